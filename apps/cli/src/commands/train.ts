/**
 * `optimlab train`: one run in its own folder (config.json, tokenizer.json, log.jsonl,
 * checkpoint.safetensors, result.json). Input is validated whole before anything is created;
 * re-running into the same folder resumes from the checkpoint, and a folder made with other
 * settings is refused (naming the fields) unless --force starts it over.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { countParameters, DEFAULT_OPTIMIZER, differingFields, InputError, resolveRunConfig, type TrainConfig } from '@optimlab/moe-model';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { cacheDir, checkFits, checkOutputFolder, DATA_FLAGS, describeModel, environmentOf, OUTPUT_FLAGS, readJson, resolvePath, stamp, startGpu } from '../context.js';
import { prepareData } from '../data.js';
import { executeRun, warn } from '../runs.js';
import { applyRunFlags, loadModuleFlag, MODULE_FLAG, optimizerNotes, resolveWithFlags, RUN_FLAGS } from '../run-input.js';

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'one training run of the MoE model, resumable, in its own folder',
  flags: {
    ...RUN_FLAGS,
    'optimizer-module': MODULE_FLAG,
    config: { kind: 'string', help: 'a run config (JSON; a run folder’s config.json works); flags override it', value: 'FILE' },
    out: { kind: 'string', help: 'run folder (default runs/<time>_train-<optimizer>)', value: 'DIR' },
    force: { kind: 'switch', help: 'start over in --out even if it holds a run made with other settings' },
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
  notes: `Config format: see packages/moe-model/src/run-config.ts; config.json in a run folder is the fully resolved config.\n${optimizerNotes()}`,
};

/** The run config from --config and flags; `preset` fills in what neither names. */
function configFrom(flags: Parsed['flags'], preset: 'cpu' | 'thesis' | 'smoke'): TrainConfig {
  const base = flags['config'] === undefined ? {} : readJson(resolvePath(flags['config'] as string), '--config');
  if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new InputError(`--config ${String(flags['config'])} must hold a JSON object (a run config), got ${base === null ? 'null' : Array.isArray(base) ? 'an array' : typeof base}.`);
  return resolveWithFlags(applyRunFlags({ optimizer: { name: DEFAULT_OPTIMIZER }, ...(base as Record<string, unknown>) }, flags), flags, preset);
}

export async function runTrain({ flags }: Parsed): Promise<void> {
  await loadModuleFlag(flags);
  configFrom(flags, 'cpu'); // the whole input, checked before the adapter starts
  const out = flags['out'] === undefined ? undefined : resolvePath(flags['out'] as string);
  if (out) checkOutputFolder(out, '--out', 'config.json');
  const { gpu, defaultPreset } = await startGpu();
  const config = configFrom(flags, defaultPreset);
  checkFits(gpu, config.model, config.batchSize);
  const dir = out ?? resolvePath(join('runs', `${stamp()}_train-${config.optimizer.name.replace('+', '-')}`));
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer: (flags['tokenizer'] as string | undefined) ?? 'bpe', vocabSize: config.model.vocabSize, seqLen: config.model.seqLen, cacheDir: cacheDir() });
  if (data.tokenizer.vocabSize > config.model.vocabSize) {
    throw new InputError(`The tokenizer has ${data.tokenizer.vocabSize} tokens but the model's vocabulary is ${config.model.vocabSize}: use --tokenizer bpe, a larger preset, or set model.vocabSize in --config.`);
  }
  if (existsSync(join(dir, 'config.json'))) {
    const previous = readJson(join(dir, 'config.json'), 'The run folder’s');
    let differ: string[];
    try {
      resolveRunConfig(previous); // read back by schema: a damaged config.json is named, not compared field by field
      differ = differingFields(previous, config);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      differ = ['config.json, which is not a valid run config'];
    }
    const tokenizerFile = join(dir, 'tokenizer.json');
    if (existsSync(tokenizerFile) && JSON.stringify(readJson(tokenizerFile, 'The run folder’s')) !== JSON.stringify(data.tokenizer.json)) differ.push('tokenizer');
    // The data: another corpus with the same tokenizer (gpt2, a file) gives other token ids.
    const dataFile = join(dir, 'data.json');
    if (existsSync(dataFile)) {
      const previousData = readJson(dataFile, 'The run folder’s') as { fingerprint?: unknown } | null;
      if (previousData?.fingerprint !== data.fingerprint) differ.push('data');
    } else if (existsSync(join(dir, 'result.json')) || existsSync(join(dir, 'checkpoint.safetensors'))) {
      warn(`${dir} was made before runs recorded their data (no data.json): assuming it is the same corpus and tokenizer.`);
    }
    if (differ.length && !flags['force']) {
      throw new UsageError(`optimlab train: ${dir} holds a run with other settings (${differ.slice(0, 6).join(', ')}${differ.length > 6 ? ', …' : ''}): use another --out, or --force to start it over.`);
    }
    if (differ.length) for (const f of ['checkpoint.safetensors', 'result.json', 'log.jsonl', 'data.json']) rmSync(join(dir, f), { force: true });
  }
  const json = Boolean(flags['json']);
  const quiet = Boolean(flags['quiet']);
  const say = (text: string, record: object): void => {
    if (json) console.log(JSON.stringify(record));
    else if (!quiet) console.log(text);
  };
  const params = countParameters(config.model).total;
  say(`train: ${describeModel(config.model)}\n  ${JSON.stringify(config.optimizer)}\n  ${config.steps} steps × ${config.batchSize * config.gradAccum} sequences, seed ${config.seed}, preset ${config.preset}\n  folder ${dir}`, { type: 'start', parameters: params, config, folder: dir });
  mkdirSync(dir, { recursive: true });
  await writeAtomically(join(dir, 'tokenizer.json'), JSON.stringify(data.tokenizer.json));
  await writeAtomically(join(dir, 'data.json'), JSON.stringify({ corpus: data.corpusName, tokenizer: data.tokenizer.name, fingerprint: data.fingerprint }, null, 2));
  const spec = { id: 'train', phase: 'train', label: config.optimizer.name, horizon: 'long' as const, train: config };
  const tty = process.stdout.isTTY === true && !json && !quiet;
  const result = await executeRun(spec, dir, data, {
    onResume: (_, step) => say(`resuming from step ${step} (checkpoint in ${dir})`, { type: 'resume', step }),
    onBatchPlan: (_, text) => say(`  ${text}`, { type: 'plan', text }),
    onStep: (_, s) => {
      if (json) console.log(JSON.stringify({ type: 'step', ...s }));
      else if (tty) process.stdout.write(`\rstep ${s.step}/${config.steps} loss ${s.loss.toFixed(4)} lr ${s.lr.toExponential(2)} ${s.tokensPerSecond.toFixed(0)} tok/s\u001b[K`);
    },
    onEval: (_, e) => say(`${tty ? '\n' : ''}eval at ${e.step}: val loss ${e.valLoss.toFixed(4)}, accuracy ${e.accuracy.toFixed(4)}, perplexity ${e.perplexity.toFixed(1)}`, { type: 'eval', ...e }),
  }, { checkpoint: true, environment: environmentOf(gpu) });
  const summary = result.status === 'diverged' ? `diverged at step ${result.steps}: ${result.reason ?? ''}` : `finished: val loss ${result.finalLoss?.toFixed(4)}, accuracy ${result.finalAccuracy.toFixed(4)}`;
  say(`${tty ? '\n' : ''}${summary}; results in ${dir}`, { type: 'done', ...result, curve: undefined, folder: dir });
}
