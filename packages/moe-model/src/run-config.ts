/**
 * A run's configuration: one typed object, validated as a whole before any GPU or file work, and
 * written fully resolved into the run folder, so `--config run.json` reads back exactly what a run
 * used. Input may leave out anything that has a default; `resolveRunConfig` fills it in from the
 * preset (batch, evaluation, horizon), the optimizer registry (learning rate, hyperparameters) and
 * the defaults below. Every error names the field and the allowed range.
 *
 * The format (every field but `optimizer.name` optional):
 *   { "preset": "cpu", "model": { …MoEConfig fields… },
 *     "optimizer": { "name": "muon+adamw", "learningRate": 0.02, "schedule": "cosine", "warmupRatio": 0.05,
 *                    "minLrRatio": 0.1, …the optimizer's hyperparameters… },
 *     "steps": 200, "batchSize": 8, "gradAccum": 1, "clip": 1, "evalEvery": 5, "evalBatches": 8, "seed": 42,
 *     "checkpointEvery": 10, "divergence": { "window": 5, "factor": 1.3 } }
 */
import { z } from 'zod';
import { fieldInfo, findOptimizer, formatIssues, integer, oneOf, optimizerNames, real, showValue, unsupportedParameter } from '@optimlab/optim';
import { moeConfigSchema, validateConfig, type MoEConfig } from './config.js';
import { InputError } from './errors.js';
import { parameterShapes } from './params.js';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.js';

/** Learning-rate multipliers: warmup (warmupRatio) then cosine or linear decay to minLrRatio, halving every quarter, constant, or constant for 40% then linear to minLrRatio. */
export const SCHEDULES = ['cosine', 'linear', 'step', 'constant', 'constant-linear'] as const;
export type ScheduleKind = (typeof SCHEDULES)[number];

/** Upper bounds: what a machine can run in a lifetime (gradAccum 1e12 would never finish a step). */
const MAX_STEPS = 10_000_000;
const MAX_LEARNING_RATE = 1e6;

/** The fields every optimizer has (schedule included); the rest are the registry's hyperparameters. */
const scheduleFields = {
  name: z.string({ error: `must be an optimizer name (${optimizerNames().join(', ')})` }).describe('a registry name'),
  learningRate: real('peak learning rate (default: the optimizer’s registry default)', { min: 0, minExclusive: true, max: MAX_LEARNING_RATE }).optional(),
  schedule: oneOf('learning-rate multiplier over the run', SCHEDULES).default('cosine'),
  warmupRatio: real('linear warmup as a fraction of the optimizer steps', { min: 0, max: 1, maxExclusive: true }).default(0.05),
  minLrRatio: real('floor of the decay as a fraction of the peak (thesis 0.1)', { min: 0, max: 1 }).default(0.1),
};
const SCHEDULE_KEYS = new Set(Object.keys(scheduleFields));

const positiveInt = (description: string, max = MAX_STEPS) => integer(description, { min: 1, max });

const modelSchema = z
  .strictObject(moeConfigSchema.shape, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object of model fields (to pick a preset, use "preset": "smoke" | "cpu" | "thesis")' : undefined) })
  .partial();

const divergenceSchema = z.strictObject({
  window: integer('consecutive steps the loss must stay too high to stop the run', { min: 1, max: MAX_STEPS }).default(5),
  factor: real('too high: above factor × max(first loss, ln V)', { min: 1, minExclusive: true, max: 1e6 }).default(1.3),
});

const inputSchema = z.strictObject({
  preset: oneOf('model, batch and horizons', PRESET_NAMES as [PresetName, ...PresetName[]]).optional(),
  model: modelSchema.optional(),
  optimizer: z.looseObject(scheduleFields, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object with at least a "name", e.g. { "name": "adamw" }' : undefined) }),
  steps: positiveInt('optimizer steps (default: the preset’s long study horizon)').optional(),
  batchSize: positiveInt('sequences per micro-batch (default: the preset’s)', 4096).optional(),
  gradAccum: positiveInt('micro-batches per optimizer step (default: the preset’s)', 4096).optional(),
  clip: real('global gradient-norm clip; 0 turns it off', { min: 0, max: 1e6 }).default(1),
  evalEvery: positiveInt('evaluate every N optimizer steps (default: the preset’s)').optional(),
  evalBatches: positiveInt('validation batches per evaluation (default: the preset’s)', 100_000).optional(),
  seed: integer('seed of the init, data order, dropout and router noise', { min: 0, max: 2 ** 31 - 1 }).default(42),
  checkpointEvery: positiveInt('write a checkpoint every N steps (and at the end)').default(10),
  divergence: divergenceSchema.default({ window: 5, factor: 1.3 }),
});

export type RunConfigInput = z.input<typeof inputSchema>;

/**
 * The documented default of a run-config field by its dotted path ('seed', 'optimizer.schedule',
 * 'optimizer.adamwWeightDecay' from the registry's +adamw split), for help texts; undefined where
 * the default is not a constant (the preset's, the optimizer's).
 */
export function runConfigDefault(path: string): unknown {
  const [head, field] = path.split('.') as [string, string | undefined];
  if (head !== 'optimizer') return fieldInfo(inputSchema.shape[head as keyof typeof inputSchema.shape] ?? z.never()).defaultValue;
  const schedule = scheduleFields[field as keyof typeof scheduleFields];
  if (schedule) return fieldInfo(schedule).defaultValue;
  const hybrid = findOptimizer(`muon+adamw`)!.hyper.shape[field!];
  return hybrid ? fieldInfo(hybrid).defaultValue : undefined;
}

/** The optimizer of a run that names none (`optimlab train`, `optimlab sweep`): the thesis's hybrid. */
export const DEFAULT_OPTIMIZER = 'muon+adamw';

/** A resolved optimizer config: a registry name, its learning rate and schedule, and its own hyperparameters (every default filled in). */
const optimizerConfigSchema = z.looseObject({ ...scheduleFields, learningRate: real('peak learning rate', { min: 0, minExclusive: true, max: MAX_LEARNING_RATE }) });
export type OptimizerConfig = Readonly<z.output<typeof optimizerConfigSchema>>;

/** A resolved run config: the input with the preset's and the registry's defaults filled in. */
const trainConfigSchema = inputSchema.extend({
  preset: oneOf('model, batch and horizons', PRESET_NAMES as [PresetName, ...PresetName[]]),
  model: moeConfigSchema,
  optimizer: optimizerConfigSchema,
  steps: positiveInt('optimizer steps'),
  batchSize: positiveInt('sequences per micro-batch', 4096),
  gradAccum: positiveInt('micro-batches per optimizer step', 4096),
  evalEvery: positiveInt('evaluate every N optimizer steps'),
  evalBatches: positiveInt('validation batches per evaluation', 100_000),
});
export type TrainConfig = Readonly<z.output<typeof trainConfigSchema>>;

/** The optimizer's hyperparameters alone (what the registry takes besides the learning rate). */
export function hyperOf(o: OptimizerConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !SCHEDULE_KEYS.has(k)));
}

/** The optimizer part of a config, resolved (defaults filled in) or an error naming the field. */
export function resolveOptimizerConfig(input: unknown, path = 'optimizer'): OptimizerConfig {
  const parsed = z.looseObject(scheduleFields).safeParse(input);
  if (!parsed.success) throw new InputError(formatIssues(parsed.error, input, path));
  const { name, learningRate, schedule, warmupRatio, minLrRatio, ...rest } = parsed.data;
  const entry = findOptimizer(name);
  if (!entry) throw new InputError(`${path}.name: unknown optimizer ${showValue(name)} (known: ${optimizerNames().join(', ')}).`);
  const hyper = entry.hyper.safeParse(rest);
  if (!hyper.success) throw new InputError(formatIssues(hyper.error, rest, path));
  return { name, learningRate: learningRate ?? entry.spec.learningRate, schedule, warmupRatio, minLrRatio, ...hyper.data };
}

/** Muon's split 'heads' orthogonalises per attention head: unset heads are the model's, set ones must divide dModel. */
function withModelHeads(o: OptimizerConfig, model: MoEConfig): OptimizerConfig {
  if (o['split'] !== 'heads') return o;
  if (o['heads'] === 0) return { ...o, heads: model.nHeads };
  if (model.dModel % Number(o['heads']) !== 0) throw new InputError(`optimizer.heads: ${o['heads']} heads do not divide dModel ${model.dModel}; use the model's ${model.nHeads} or leave it unset.`);
  return o;
}

/**
 * The whole run config, resolved. `defaults.preset` applies when the input names none (the CLI
 * passes the adapter's choice). Throws InputError naming every bad field.
 */
export function resolveRunConfig(input: unknown, defaults: { preset?: PresetName } = {}): TrainConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(`A run config must be a JSON object with at least "optimizer": { "name": … }, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}.`);
  }
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw new InputError(formatIssues(parsed.error, input));
  const c = parsed.data;
  const presetName = c.preset ?? defaults.preset ?? 'cpu';
  const preset = PRESETS[presetName];
  const model: MoEConfig = { ...preset.model, ...c.model };
  validateConfig(model);
  const optimizer = withModelHeads(resolveOptimizerConfig(c.optimizer), model);
  for (const [param, shape] of Object.entries(parameterShapes(model))) {
    const why = unsupportedParameter(optimizer.name, param, shape);
    if (why) throw new InputError(`optimizer.name: ${why}`);
  }
  return {
    preset: presetName,
    model,
    optimizer,
    steps: c.steps ?? preset.study.long,
    batchSize: c.batchSize ?? preset.batchSize,
    gradAccum: c.gradAccum ?? preset.gradAccum,
    clip: c.clip,
    evalEvery: c.evalEvery ?? preset.evalEvery,
    evalBatches: c.evalBatches ?? preset.evalBatches,
    seed: c.seed,
    checkpointEvery: c.checkpointEvery,
    divergence: c.divergence,
  };
}

/**
 * The fields (dotted paths) whose values differ between two resolved configs; an array that differs
 * anywhere is named whole. Walks with its own stack, so a value nested a million deep (a damaged
 * file read back) costs no recursion.
 */
export function differingFields(a: unknown, b: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const out = new Set<string>();
  const stack: [unknown, unknown, string, string | undefined][] = [[a, b, path, undefined]]; // (a, b, path, the enclosing array's path)
  while (stack.length) {
    const [x, y, at, inArray] = stack.pop()!;
    const report = inArray ?? at;
    if (out.has(report)) continue;
    if (isObject(x) && isObject(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].reverse(); // reversed: popped in the config's order
      for (const k of keys) stack.push([x[k], y[k], at ? `${at}.${k}` : k, inArray]);
    } else if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.add(report);
      else for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], y[i], `${at}.${i}`, report]);
    } else if (!Object.is(x, y) && !(x === 0 && y === 0)) out.add(report);
  }
  return [...out];
}
