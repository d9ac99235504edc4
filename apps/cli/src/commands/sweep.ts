/**
 * `optimlab sweep`: a grid over any run-config knobs, every combination its own resumable run,
 * and sweep.md (knobs | best loss | final loss | final accuracy | time). Knobs are the train flags
 * (lr, momentum, ns-steps, warmup, schedule, …) or any hyperparameter of the optimizer by its config
 * name (b1, nesterov, coefficients, …). Every combination is validated before the first run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_OPTIMIZER, differingFields, InputError, PRESETS, type PresetName, type TrainConfig } from '@optimlab/moe-model';
import { formatIssues, showValue, truncate } from '@optimlab/optim';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { cacheDir, checkFits, checkOutputFolder, DATA_FLAGS, environmentOf, OUTPUT_FLAGS, QUEUE_FLAG, readJson, resolvePath, startGpu } from '../context.js';
import { prepareData } from '../data.js';
import { createProgress } from '../progress.js';
import { checkQueue, queueAddress, queueRunnerFor } from '../queue/options.js';
import { localRunner, type Runner } from '../runner.js';
import { readResult, type RunResult, type RunSpec } from '../runs.js';
import { applyRunFlags, loadModuleFlag, MODULE_FLAG, resolveWithFlags, RUN_FLAGS } from '../run-input.js';

export const sweepCommand: CommandSpec = {
  name: 'sweep',
  summary: 'a grid over any optimizer or run knobs, each combination a resumable run, with a table',
  flags: {
    grid: { kind: 'string', help: 'knob=v1,v2 pairs separated by spaces (required)', value: '"lr=0.02,0.05 momentum=0.9"' },
    ...RUN_FLAGS,
    'optimizer-module': MODULE_FLAG,
    out: { kind: 'string', help: 'sweep folder (default runs/<date>_sweep-<optimizer>-<preset>)', value: 'DIR' },
    queue: QUEUE_FLAG,
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
  notes: 'Knobs: the flags above without dashes (lr, momentum, ns-steps, warmup, schedule, adamw-lr, …) or any of the optimizer’s hyperparameters by name (see optimlab train --help). Steps default to the preset’s short horizon.',
};

type Axis = [knob: string, values: string[]];

/** "lr=0.02,0.05 momentum=0.9" → axes; a malformed entry is a UsageError. */
export function parseGrid(grid: string): Axis[] {
  const axes = grid.trim().split(/\s+/).filter(Boolean).map((part): Axis => {
    const m = /^([A-Za-z][\w-]*)=([^=]+)$/.exec(part);
    const values = m?.[2]!.split(',') ?? [];
    if (!m || values.some((v) => v === '')) throw new UsageError(`optimlab sweep: --grid entries are knob=v1,v2 (e.g. lr=0.02,0.05), got ${showValue(part)}.`);
    return [m[1]!, values];
  });
  if (axes.length === 0) throw new UsageError('optimlab sweep: --grid is empty; give knob=v1,v2 pairs, e.g. --grid "lr=0.02,0.05".');
  const knobs = axes.map(([k]) => k);
  const repeated = knobs.find((k, i) => knobs.indexOf(k) !== i);
  if (repeated) throw new UsageError(`optimlab sweep: --grid names ${repeated} twice; give each knob once with all its values.`);
  return axes;
}

const literal = (v: string): string | number | boolean => (v === 'true' || v === 'false' ? v === 'true' : Number.isFinite(Number(v)) ? Number(v) : v);

/** One config per grid combination, every one validated. */
export function expandGrid(axes: readonly Axis[], base: Record<string, unknown>, flags: Parsed['flags'], preset: PresetName): { label: string; config: TrainConfig }[] {
  const combos = axes.reduce<[string, string][][]>((acc, [knob, values]) => acc.flatMap((c) => values.map((v) => [...c, [knob, v] as [string, string]])), [[]]);
  return combos.map((combo) => {
    const input = structuredClone(base) as { optimizer: Record<string, unknown> } & Record<string, unknown>;
    for (const [knob, v] of combo) {
      const spec = (RUN_FLAGS as Record<string, { field: string }>)[knob];
      const [head, key] = (spec?.field ?? `optimizer.${knob}`).split('.') as [string, string | undefined];
      if (knob === 'optimizer' || knob === 'preset') throw new UsageError(`optimlab sweep: --grid sweeps knobs of one optimizer and preset; run one sweep per ${knob}.`);
      if (key) (input[head] as Record<string, unknown>)[key] = literal(v);
      else input[head] = literal(v);
    }
    const label = combo.map(([k, v]) => `${k} ${v}`).join(', ');
    try {
      return { label, config: resolveWithFlags(input, flags, preset) };
    } catch (err) {
      throw err instanceof InputError ? new InputError(`optimlab sweep: ${combo.map(([k, v]) => `${truncate(k, 30)} ${truncate(v, 30)}`).join(', ')}: ${err.message}`) : err;
    }
  });
}

export async function runSweep({ flags }: Parsed): Promise<void> {
  if (flags['grid'] === undefined) throw new UsageError('optimlab sweep: --grid is required, e.g. --grid "lr=0.02,0.05 momentum=0.9,0.95".');
  const axes = parseGrid(flags['grid'] as string);
  const module = await loadModuleFlag(flags);
  // Steps default to the preset's short horizon (the sweep phase of a study).
  const baseFor = (preset: PresetName): Record<string, unknown> => applyRunFlags({ optimizer: { name: DEFAULT_OPTIMIZER }, steps: PRESETS[preset].study.short }, flags);
  expandGrid(axes, baseFor((flags['preset'] as PresetName | undefined) ?? 'cpu'), flags, 'cpu'); // everything checked before the adapter starts
  const out = flags['out'] === undefined ? undefined : resolvePath(flags['out'] as string);
  if (out) checkOutputFolder(out, '--out', 'sweep.json');
  const queue = queueAddress('sweep', flags);
  if (queue) await checkQueue(queue, 'sweep');
  const local = queue ? undefined : await startGpu(); // with a queue, the workers' GPUs make the runs
  const preset = (flags['preset'] as PresetName | undefined) ?? local!.defaultPreset;
  const runs = expandGrid(axes, baseFor(preset), flags, preset);
  if (local) for (const { config } of runs) checkFits(local.gpu, config.model, config.batchSize);
  const first = runs[0]!.config;
  const dir = out ?? resolvePath(join('runs', `${new Date().toISOString().slice(0, 10)}_sweep-${first.optimizer.name.replace('+', '-')}-${preset}`));
  const data = await prepareData({ corpus: flags['corpus'] as string | undefined, tokenizer: (flags['tokenizer'] as string | undefined) ?? 'bpe', vocabSize: first.model.vocabSize, seqLen: first.model.seqLen, cacheDir: cacheDir() });
  // The folder is tied to every setting: the grid, the resolved config of its first run (optimizer, steps, every knob) and the data.
  const record: SweepRecord = { command: 'sweep', grid: flags['grid'] as string, preset, corpus: data.corpusName, tokenizer: data.tokenizer.name, data: data.fingerprint, config: first, ...(module ? { optimizerModule: module.hash } : {}) };
  const previous = checkOutputFolder(dir, '--out', 'sweep.json').exists && existsSync(join(dir, 'sweep.json')) ? readSweepRecord(dir) : undefined;
  const differ = previous ? differingFields(previous, record) : [];
  if (differ.length) {
    throw new UsageError(`optimlab sweep: ${dir} holds a sweep with other settings (${differ.slice(0, 5).join(', ')}${differ.length > 5 ? ', …' : ''}): use another --out; a sweep folder never mixes runs.`);
  }
  mkdirSync(dir, { recursive: true });
  await writeAtomically(join(dir, 'sweep.json'), JSON.stringify(record, null, 2));
  const progress = createProgress({ json: Boolean(flags['json']), quiet: Boolean(flags['quiet']) });
  const specs = runs.map(({ label, config }): RunSpec => ({ id: label.replace(/[^a-zA-Z0-9.-]+/g, '_'), phase: 'sweep', label, horizon: 'short', train: config }));
  const todo = specs.filter((spec) => !readResult(join(dir, 'runs', spec.id), spec)).length;
  const runner: Runner = queue ? await queueRunnerFor(queue, dir, data, first.model.vocabSize, flags, module ? { hash: module.hash, name: basename(module.path) } : undefined) : localRunner({ data, progress, environment: environmentOf(local!.gpu), total: todo });
  let results: RunResult[];
  try {
    // Every combination at once: the local runner makes them in order, a queue in parallel.
    results = await Promise.all(specs.map((spec) => readResult(join(dir, 'runs', spec.id), spec) ?? runner.run(spec, join(dir, 'runs', spec.id))));
  } finally {
    await runner.close();
  }
  await writeAtomically(join(dir, 'sweep.md'), sweepTable(first, flags['grid'] as string, results));
  progress.done(results.length, results.reduce((t, r) => t + r.seconds, 0));
  if (!flags['quiet'] && !flags['json']) console.log(`table: ${join(dir, 'sweep.md')}`);
}

/** sweep.json: what the sweep folder is tied to. */
const sweepRecordSchema = z.looseObject({
  command: z.literal('sweep'),
  grid: z.string(),
  preset: z.string(),
  corpus: z.string(),
  tokenizer: z.string(),
  /** prepareData's fingerprint of the tokenizer and every token id. */
  data: z.string(),
  /** The resolved config of the sweep's first combination. */
  config: z.looseObject({ optimizer: z.looseObject({ name: z.string() }), steps: z.number(), preset: z.string() }),
  /** The --optimizer-module's hash (module-hash.ts), when one was given: its optimizers' code is a setting too. */
  optimizerModule: z.string().optional(),
});
type SweepRecord = z.infer<typeof sweepRecordSchema>;

/** The sweep folder's sweep.json, parsed by schema; anything else is an InputError naming the file and the field. */
export function readSweepRecord(dir: string): SweepRecord {
  const file = join(dir, 'sweep.json');
  const value = readJson(file, 'The sweep’s');
  const parsed = sweepRecordSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file} is not a sweep record of this version (${formatIssues(parsed.error, value)}): use another --out for a new sweep.`);
  return parsed.data;
}

export function sweepTable(first: TrainConfig, grid: string, results: readonly RunResult[]): string {
  const f4 = (r: RunResult, v: number | null): string => (r.status === 'diverged' ? `diverged (step ${r.steps})` : v === null ? '—' : v.toFixed(4));
  return [
    `# Sweep: ${first.optimizer.name}, ${first.steps} steps, preset ${first.preset}, grid \`${grid}\``,
    '',
    '| Knobs | Best Loss | Final Loss | Final Acc | Time |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.label} | ${f4(r, r.bestLoss)} | ${f4(r, r.finalLoss)} | ${r.finalAccuracy.toFixed(4)} | ${r.seconds.toFixed(1)} s |`),
    '',
  ].join('\n');
}
