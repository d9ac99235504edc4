/**
 * optimlab — reproduce the Muon-vs-Adam study, train single runs, re-render reports, sample from a
 * checkpoint, check the machine. Bad input: one line and exit code 2; nothing half-written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultMatmulVariant, destroyDevice, getGpu, matmulVariants, NoAdapterError } from '@optimlab/tensor-wgpu';
import { loadTensors, writeAtomically } from '@optimlab/tensor-wgpu/node';
import { countParameters, InputError, PRESETS, sample, type MoEConfig, type PresetName } from '@optimlab/moe-model';
import { train, tokenizerFromJson, type TrainConfig } from '@optimlab/moe-model/node';
import { OPTIMIZERS } from '@optimlab/optim';
import { parseArgs, UsageError, type FlagSpec } from './args.js';
import { prepareData } from './data.js';
import { writeReport } from './report.js';
import { runStudy, SCALES, studyModel } from './study.js';
import { createProgress } from './progress.js';
import { parseGrid, runSweep } from './sweep.js';
import { LADDER, runLadder, writeLadder } from './ladder.js';

const cwd = process.env['INIT_CWD'] ?? process.cwd();
const CACHE = join(cwd, '.optimlab-cache');

const COMMON: Record<string, FlagSpec> = {
  json: { kind: 'switch', help: 'machine-readable progress (JSON lines)' },
  quiet: { kind: 'switch', help: 'no progress output' },
};
const DATA_FLAGS: Record<string, FlagSpec> = {
  corpus: { kind: 'string', help: 'a .txt/.jsonl file or a folder (default: the embedded SOTU corpus)' },
  tokenizer: { kind: 'string', help: "'bpe' (trained on the training split), 'gpt2', or a tokenizer.json path" },
};
const PRESET_FLAG: FlagSpec = { kind: 'string', help: 'smoke | cpu | thesis', choices: ['smoke', 'cpu', 'thesis'] };

const HELP = `optimlab <command> [flags]
  reproduce [--preset smoke|cpu|thesis] [--out DIR] [--seeds N] [--only sweep|ablations|final] [--ladder]   the whole study
  train [--preset P] [--optimizer NAME] [--lr X] [--steps N] [--config FILE.json] [--out DIR]     one run
  sweep --grid "lr=0.02,0.05 momentum=0.9,0.95" [--optimizer NAME] [--steps N] [--out DIR]         a grid over any knobs
  ladder [--steps N] [--optimizers a,b] [--out DIR]                                            the optimizer-genealogy speedrun
  report DIR                                                                                    re-render a study's tables and plots
  sample CHECKPOINT_DIR [--prompt TEXT] [--tokens N] [--temperature T] [--top-k K]               text from a trained model
  doctor                                                                                        adapter, setup, corpus and tokenizer status
Common: --json (progress as JSON lines), --quiet; data: --corpus PATH, --tokenizer bpe|gpt2|FILE.`;

function defaultPreset(isSoftware: boolean): PresetName {
  return isSoftware ? 'cpu' : 'thesis';
}

async function reproduce(argv: string[]): Promise<void> {
  const { flags } = parseArgs('reproduce', argv, {
    ...COMMON,
    ...DATA_FLAGS,
    preset: PRESET_FLAG,
    out: { kind: 'string', help: 'study folder' },
    seeds: { kind: 'int', help: 'seeds for the final comparison', min: 1 },
    only: { kind: 'string', help: 'stop after a phase', choices: ['sweep', 'ablations', 'final'] },
    ladder: { kind: 'switch', help: 'also run the optimizer ladder into the study folder' },
  });
  const gpu = await getGpu();
  const preset = (flags['preset'] as PresetName | undefined) ?? defaultPreset(gpu.info.isSoftware);
  const model = studyModel(preset);
  const name = `reproduce-${preset}`;
  const runsRoot = join(cwd, 'runs');
  const existing = existsSync(runsRoot) ? readdirSync(runsRoot).filter((d) => d.endsWith(`_${name}`)).sort().pop() : undefined;
  const dir = flags['out'] ? resolve(cwd, flags['out'] as string) : join(runsRoot, existing ?? `${new Date().toISOString().slice(0, 10)}_${name}`);
  mkdirSync(join(dir, 'runs'), { recursive: true });
  const tokenizer = (flags['tokenizer'] as string | undefined) ?? 'bpe';
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer, vocabSize: model.vocabSize, seqLen: model.seqLen, cacheDir: CACHE });
  if (data.tokenizer.vocabSize > model.vocabSize) throw new UsageError(`The tokenizer has ${data.tokenizer.vocabSize} tokens but the ${preset} model's vocabulary is ${model.vocabSize}: use --tokenizer bpe or a larger preset.`);
  const seeds = (flags['seeds'] as number | undefined) ?? 3;
  await writeAtomically(join(dir, 'config.json'), JSON.stringify({ command: 'reproduce', preset, seeds, only: flags['only'] ?? null, corpus: data.corpusName, tokenizer: data.tokenizer.name, model, scale: SCALES[preset], adapter: gpu.info }, null, 2));
  const progress = createProgress({ json: Boolean(flags['json']), quiet: Boolean(flags['quiet']) });
  const start = performance.now();
  const results = await runStudy({ preset, seeds, only: flags['only'] as 'sweep' | undefined }, join(dir, 'runs'), data, progress);
  progress.done(results.length, (performance.now() - start) / 1000);
  if (flags['ladder'] && !existsSync(join(dir, 'ladder', 'ladder.md'))) {
    mkdirSync(join(dir, 'ladder'), { recursive: true });
    const steps = preset === 'smoke' ? 40 : gpu.info.isSoftware ? 600 : 4000;
    await writeLadder(join(dir, 'ladder'), await runLadder({ steps, names: preset === 'smoke' ? ['adamw', 'muon'] : Object.keys(LADDER) }), steps);
  }
  await writeReport(dir, { preset, corpus: data.corpusName, tokenizer: data.tokenizer.name, model: describe(model) });
  if (!flags['quiet']) console.log(`\nreport: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
}

function describe(c: MoEConfig): string {
  return `d ${c.dModel}, ${c.nLayers} layers, ${c.nHeads} heads, d_ff ${c.dFF}, ${c.numExperts} experts top-${c.topK}, seq ${c.seqLen}, vocab ${c.vocabSize}, ${countParameters(c).total.toLocaleString('en')} parameters`;
}

async function trainCommand(argv: string[]): Promise<void> {
  const { flags } = parseArgs('train', argv, {
    ...COMMON,
    ...DATA_FLAGS,
    preset: PRESET_FLAG,
    optimizer: { kind: 'string', help: `muon (hybrid) or ${Object.keys(OPTIMIZERS).join(', ')}`, choices: ['muon', ...Object.keys(OPTIMIZERS)] },
    lr: { kind: 'number', help: 'peak learning rate', min: Number.MIN_VALUE },
    steps: { kind: 'int', help: 'optimizer steps', min: 1 },
    seed: { kind: 'int', help: 'seed', min: 0 },
    config: { kind: 'string', help: 'a JSON TrainConfig (flags override it)' },
    out: { kind: 'string', help: 'run folder (checkpoint, log)' },
  });
  const gpu = await getGpu();
  const preset = (flags['preset'] as PresetName | undefined) ?? defaultPreset(gpu.info.isSoftware);
  let base: Partial<TrainConfig> = {};
  if (flags['config']) {
    const path = resolve(cwd, flags['config'] as string);
    try {
      base = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new UsageError(`--config ${path}: not a readable JSON file.`);
    }
  }
  const scale = SCALES[preset];
  const model = base.model ?? studyModel(preset);
  const name = (flags['optimizer'] as string | undefined) ?? base.optimizer?.name ?? 'muon';
  const config: TrainConfig = {
    model,
    optimizer: { ...(base.optimizer ?? {}), name, learningRate: (flags['lr'] as number | undefined) ?? base.optimizer?.learningRate ?? (name === 'muon' ? 0.07 : 1e-3) },
    steps: (flags['steps'] as number | undefined) ?? base.steps ?? scale.long,
    batchSize: base.batchSize ?? scale.batchSize,
    gradAccum: base.gradAccum ?? scale.gradAccum,
    clip: base.clip ?? 1,
    evalEvery: base.evalEvery ?? scale.evalEvery,
    evalBatches: base.evalBatches ?? scale.evalBatches,
    seed: (flags['seed'] as number | undefined) ?? base.seed ?? 42,
    checkpointDir: resolve(cwd, (flags['out'] as string | undefined) ?? join('runs', `${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}_train-${name}`)),
    checkpointEvery: 10,
  };
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer: (flags['tokenizer'] as string | undefined) ?? 'bpe', vocabSize: model.vocabSize, seqLen: model.seqLen, cacheDir: CACHE });
  mkdirSync(config.checkpointDir!, { recursive: true });
  await writeAtomically(join(config.checkpointDir!, 'tokenizer.json'), JSON.stringify(data.tokenizer.json));
  const quiet = Boolean(flags['quiet']);
  const json = Boolean(flags['json']);
  const result = await train(config, data, {
    onStep: (s) => !quiet && (json ? console.log(JSON.stringify({ type: 'step', ...s })) : process.stdout.write(`\rstep ${s.step}/${config.steps} loss ${s.loss.toFixed(4)} lr ${s.lr.toExponential(2)} ${s.tokensPerSecond.toFixed(0)} tok/s   `)),
    onEval: (e) => !quiet && console.log(json ? JSON.stringify({ type: 'eval', ...e }) : `\neval at ${e.step}: val loss ${e.valLoss.toFixed(4)}, acc ${e.accuracy.toFixed(4)}, ppl ${e.perplexity.toFixed(1)}`),
  });
  if (!quiet) console.log(`${result.status}; checkpoint in ${config.checkpointDir}`);
}

async function sweepCommand(argv: string[]): Promise<void> {
  const { flags } = parseArgs('sweep', argv, {
    ...COMMON,
    ...DATA_FLAGS,
    preset: PRESET_FLAG,
    optimizer: { kind: 'string', help: `muon (hybrid) or ${Object.keys(OPTIMIZERS).join(', ')}`, choices: ['muon', ...Object.keys(OPTIMIZERS)] },
    grid: { kind: 'string', help: '"knob=v1,v2 knob2=v3,…"' },
    steps: { kind: 'int', help: 'optimizer steps per run', min: 1 },
    out: { kind: 'string', help: 'sweep folder' },
  });
  if (!flags['grid']) throw new UsageError('optimlab sweep: --grid is required, e.g. --grid "lr=0.02,0.05 momentum=0.9,0.95".');
  parseGrid(flags['grid'] as string); // validate before any work
  const gpu = await getGpu();
  const preset = (flags['preset'] as PresetName | undefined) ?? defaultPreset(gpu.info.isSoftware);
  const scale = SCALES[preset];
  const model = studyModel(preset);
  const name = (flags['optimizer'] as string | undefined) ?? 'muon';
  const base: TrainConfig = {
    model,
    optimizer: { name, learningRate: name === 'muon' ? 0.07 : 1e-3, schedule: 'cosine', warmupRatio: 0.05 },
    steps: (flags['steps'] as number | undefined) ?? scale.short,
    batchSize: scale.batchSize,
    gradAccum: scale.gradAccum,
    clip: 1,
    evalEvery: scale.evalEvery,
    evalBatches: scale.evalBatches,
    seed: 42,
  };
  const dir = resolve(cwd, (flags['out'] as string | undefined) ?? join('runs', `${new Date().toISOString().slice(0, 10)}_sweep-${name}-${preset}`));
  mkdirSync(dir, { recursive: true });
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer: (flags['tokenizer'] as string | undefined) ?? 'bpe', vocabSize: model.vocabSize, seqLen: model.seqLen, cacheDir: CACHE });
  await writeAtomically(join(dir, 'config.json'), JSON.stringify({ command: 'sweep', preset, grid: flags['grid'], base, corpus: data.corpusName, tokenizer: data.tokenizer.name }, null, 2));
  const progress = createProgress({ json: Boolean(flags['json']), quiet: Boolean(flags['quiet']) });
  const results = await runSweep(base, flags['grid'] as string, dir, data, progress);
  progress.done(results.length, results.reduce((t, r) => t + r.seconds, 0));
  if (!flags['quiet']) console.log(`table: ${join(dir, 'sweep.md')}`);
}

async function ladderCommand(argv: string[]): Promise<void> {
  const { flags } = parseArgs('ladder', argv, {
    ...COMMON,
    steps: { kind: 'int', help: 'steps per run (the ladder uses 4000)', min: 10 },
    optimizers: { kind: 'list', help: `comma-separated subset of ${Object.keys(LADDER).join(', ')}` },
    out: { kind: 'string', help: 'output folder' },
  });
  const names = (flags['optimizers'] as string[] | undefined) ?? Object.keys(LADDER);
  for (const n of names) if (!LADDER[n]) throw new UsageError(`optimlab ladder: unknown optimizer "${n}" (known: ${Object.keys(LADDER).join(', ')}).`);
  const gpu = await getGpu();
  const steps = (flags['steps'] as number | undefined) ?? (gpu.info.isSoftware ? 600 : 4000);
  const dir = resolve(cwd, (flags['out'] as string | undefined) ?? join('runs', `${new Date().toISOString().slice(0, 10)}_ladder`));
  mkdirSync(dir, { recursive: true });
  const quiet = Boolean(flags['quiet']);
  const runs = await runLadder({
    steps,
    names,
    onRun: (r) => !quiet && console.log(flags['json'] ? JSON.stringify({ type: 'ladder-run', ...r, curve: undefined }) : `${r.optimizer} lr ${r.lr}: final rel. loss ${r.finalRelative.toExponential(2)}, steps to 0.03 ${r.stepsToTarget?.toFixed(0) ?? '—'}`),
  });
  const md = await writeLadder(dir, runs, steps);
  if (!quiet) console.log(`\n${md}\nwritten to ${dir}`);
}

async function sampleCommand(argv: string[]): Promise<void> {
  const { positional, flags } = parseArgs('sample', argv, {
    prompt: { kind: 'string', help: 'text to continue' },
    tokens: { kind: 'int', help: 'tokens to generate', min: 1 },
    temperature: { kind: 'number', help: '0 = greedy', min: 0 },
    'top-k': { kind: 'int', help: 'sample among the k most likely', min: 0 },
  });
  const dir = positional[0];
  if (!dir) throw new UsageError('optimlab sample: give the run folder that holds checkpoint.safetensors and tokenizer.json.');
  const path = resolve(cwd, dir);
  for (const f of ['checkpoint.safetensors', 'tokenizer.json', 'config.json']) {
    if (!existsSync(join(path, f))) throw new UsageError(`optimlab sample: ${join(path, f)} is missing (train with 'optimlab train --out DIR' first).`);
  }
  await getGpu();
  const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as TrainConfig;
  const tokenizer = tokenizerFromJson(JSON.parse(readFileSync(join(path, 'tokenizer.json'), 'utf8')), 'checkpoint tokenizer');
  const { tensors } = await loadTensors(join(path, 'checkpoint.safetensors'));
  const params = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith('param/')).map(([k, v]) => [k.slice(6), v]));
  const prompt = (flags['prompt'] as string | undefined) ?? 'The Congress';
  const ids = await sample(config.model, params, tokenizer.encode(prompt), {
    maxTokens: (flags['tokens'] as number | undefined) ?? 40,
    temperature: (flags['temperature'] as number | undefined) ?? 0.8,
    topK: (flags['top-k'] as number | undefined) ?? 40,
  });
  console.log(prompt + tokenizer.decode(ids));
}

async function doctor(): Promise<void> {
  try {
    const gpu = await getGpu();
    console.log(`adapter: ${gpu.info.description} (${gpu.info.isSoftware ? 'software: Mesa lavapipe' : 'hardware'}); default preset: ${defaultPreset(gpu.info.isSoftware)}`);
    console.log(`kernels: ${gpu.variant}; matmul: ${defaultMatmulVariant(gpu)} (variants here: ${matmulVariants(gpu).join(', ')})`);
  } catch (err) {
    if (err instanceof NoAdapterError) {
      console.log(`adapter: none — ${err.message}`);
      process.exitCode = 1;
    } else throw err;
  }
  const { loadSotu, gpt2Tokenizer } = await import('@optimlab/moe-model/node');
  const docs = loadSotu();
  console.log(`corpus: SOTU, ${docs.length} documents, ${(docs.reduce((n, d) => n + d.text.length, 0) / 1e6).toFixed(1)} M characters`);
  console.log(`tokenizers: GPT-2 (${gpt2Tokenizer().vocabSize} tokens) available; BPE trained on demand, cached in ${CACHE}`);
  for (const [p, c] of Object.entries(PRESETS)) console.log(`preset ${p}: ${describe(c)}`);
}

async function main(): Promise<void> {
  const [command, ...argv] = process.argv.slice(2);
  switch (command) {
    case 'reproduce':
      return reproduce(argv);
    case 'train':
      return trainCommand(argv);
    case 'sweep':
      return sweepCommand(argv);
    case 'ladder':
      return ladderCommand(argv);
    case 'report': {
      const { positional } = parseArgs('report', argv, {});
      if (!positional[0]) throw new UsageError('optimlab report: give the study folder (runs/<date>_reproduce-<preset>).');
      const dir = resolve(cwd, positional[0]);
      const cfg = existsSync(join(dir, 'config.json')) ? JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) : undefined;
      if (!cfg) throw new UsageError(`optimlab report: ${dir} has no config.json: is it a study folder made by optimlab reproduce?`);
      await writeReport(dir, { preset: cfg.preset, corpus: cfg.corpus, tokenizer: cfg.tokenizer, model: describe(cfg.model) });
      console.log(`report: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
      return;
    }
    case 'sample':
      return sampleCommand(argv);
    case 'doctor':
      return doctor();
    case undefined:
    case 'help':
    case '--help':
      console.log(HELP);
      return;
    default:
      throw new UsageError(`optimlab: unknown command "${command}" (run 'optimlab help').`);
  }
}

process.on('SIGINT', () => {
  console.error('\ninterrupted: finished runs are saved; run the same command again to resume.');
  process.exit(130);
});

try {
  await main();
} catch (err) {
  if (err instanceof UsageError || err instanceof InputError) {
    console.error(err.message); // bad input (flags here, or config/corpus/tokenizer found deeper down)
    process.exitCode = 2;
  } else {
    throw err;
  }
} finally {
  await destroyDevice();
}
