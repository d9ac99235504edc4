/**
 * `optimlab reproduce`: a whole study into one folder (runs, tables, plots, report.html),
 * resumable; a folder made with other settings is refused.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, PRESETS, type PresetName } from '@optimlab/moe-model';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '../args.js';
import { CACHE, checkOutputFolder, cwd, DATA_FLAGS, describeModel, environmentOf, OUTPUT_FLAGS, PRESET_FLAG, readJson, resolvePath, startGpu } from '../context.js';
import { prepareData } from '../data.js';
import { createProgress } from '../progress.js';
import { writeReport } from '../report.js';
import { runStudy } from '../study.js';
import { runLadder, writeLadder } from './ladder.js';
import { LADDER } from '@optimlab/optim/ladder';

export const reproduceCommand: CommandSpec = {
  name: 'reproduce',
  summary: 'the Muon-vs-Adam study end to end: runs, tables with statistics, plots and report.html',
  flags: {
    preset: PRESET_FLAG,
    seeds: { kind: 'int', help: 'seeds for the final comparison', min: 1 },
    only: { kind: 'string', help: 'stop after this phase', choices: ['sweep', 'ablations', 'final'] },
    ladder: { kind: 'switch', help: 'also run the optimizer ladder into the study folder' },
    out: { kind: 'string', help: 'study folder (default runs/<date>_reproduce-<preset>)', value: 'DIR' },
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
};

export async function runReproduce({ positional, flags }: Parsed): Promise<void> {
  if (positional.length) throw new UsageError(`optimlab reproduce: unexpected argument "${positional[0]}" (see --help).`);
  const out = flags['out'] === undefined ? undefined : resolvePath(flags['out'] as string);
  if (out) checkOutputFolder(out, '--out', 'config.json');
  const { gpu, defaultPreset } = await startGpu();
  const preset = (flags['preset'] as PresetName | undefined) ?? defaultPreset;
  const model = PRESETS[preset].model;
  const name = `reproduce-${preset}`;
  const runsRoot = join(cwd, 'runs');
  const existing = existsSync(runsRoot) ? readdirSync(runsRoot).filter((d) => d.endsWith(`_${name}`)).sort().pop() : undefined;
  const dir = out ?? join(runsRoot, existing ?? `${new Date().toISOString().slice(0, 10)}_${name}`);
  const tokenizer = (flags['tokenizer'] as string | undefined) ?? 'bpe';
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer, vocabSize: model.vocabSize, seqLen: model.seqLen, cacheDir: CACHE });
  if (data.tokenizer.vocabSize > model.vocabSize) throw new InputError(`The tokenizer has ${data.tokenizer.vocabSize} tokens but the ${preset} model's vocabulary is ${model.vocabSize}: use --tokenizer bpe or a larger preset.`);
  const seeds = (flags['seeds'] as number | undefined) ?? 3;
  mkdirSync(join(dir, 'runs'), { recursive: true });
  await writeAtomically(join(dir, 'config.json'), JSON.stringify({ command: 'reproduce', preset, seeds, only: flags['only'] ?? null, corpus: data.corpusName, tokenizer: data.tokenizer.name, model, study: PRESETS[preset].study, adapter: gpu.info }, null, 2));
  await writeAtomically(join(dir, 'tokenizer.json'), JSON.stringify(data.tokenizer.json));
  const progress = createProgress({ json: Boolean(flags['json']), quiet: Boolean(flags['quiet']) });
  const start = performance.now();
  const results = await runStudy({ preset, seeds, only: flags['only'] as 'sweep' | undefined, environment: environmentOf(gpu) }, join(dir, 'runs'), data, progress);
  progress.done(results.length, (performance.now() - start) / 1000);
  if (flags['ladder'] && !existsSync(join(dir, 'ladder', 'ladder.md'))) {
    const steps = preset === 'smoke' ? 40 : gpu.info.isSoftware ? 600 : 4000;
    await writeLadder(join(dir, 'ladder'), await runLadder(join(dir, 'ladder'), { steps, names: preset === 'smoke' ? ['adamw', 'muon'] : Object.keys(LADDER) }), steps);
  }
  await writeReport(dir, { preset, corpus: data.corpusName, tokenizer: data.tokenizer.name, model: describeModel(model) });
  if (!flags['quiet'] && !flags['json']) console.log(`\nreport: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
  void readJson;
}
