/**
 * Flags that set run-config fields (train, sweep): each flag names the field it sets, so help,
 * parsing and error messages come from one table. Values are range-checked by the run config's
 * schema, whose errors are reworded to name the flag.
 */
import { InputError, resolveRunConfig, runConfigDefault, SCHEDULES, type PresetName, type RunConfigInput, type TrainConfig } from '@optimlab/moe-model';
import { describeOptimizers, optimizerNames } from '@optimlab/optim';
import type { FlagSpec, FlagValue } from '@optimlab/flags';
import { PRESET_FLAG, resolvePath } from './context.js';
import { loadOptimizerModule, type OptimizerModule } from './optimizer-module.js';

interface RunFlag extends FlagSpec {
  /** The run-config field it sets: "steps" or "optimizer.momentum". */
  readonly field: string;
}

export const RUN_FLAGS = {
  preset: { ...PRESET_FLAG, field: 'preset' },
  // No fixed choices: a module's optimizers (--optimizer-module) join the registry's; the schema names the known ones.
  optimizer: { kind: 'string', help: 'a registry optimizer (see optimlab train --help), or one from --optimizer-module', field: 'optimizer.name', value: 'NAME' },
  lr: { kind: 'number', help: 'peak learning rate (default: the optimizer’s)', field: 'optimizer.learningRate' },
  schedule: { kind: 'string', help: `learning-rate schedule (default ${String(runConfigDefault('optimizer.schedule'))})`, choices: SCHEDULES, field: 'optimizer.schedule' },
  warmup: { kind: 'number', help: `warmup as a fraction of the steps (default ${String(runConfigDefault('optimizer.warmupRatio'))})`, field: 'optimizer.warmupRatio' },
  momentum: { kind: 'number', help: 'momentum of optimizers that have one', field: 'optimizer.momentum' },
  'weight-decay': { kind: 'number', help: 'decoupled weight decay (in a +adamw split: the matrix group)', field: 'optimizer.weightDecay' },
  'ns-steps': { kind: 'int', help: 'Newton–Schulz iterations (Muon family)', field: 'optimizer.nsSteps' },
  'adamw-lr': { kind: 'number', help: 'AdamW group learning rate in a +adamw split (default lr/10)', field: 'optimizer.adamwLearningRate' },
  'adamw-weight-decay': { kind: 'number', help: `AdamW group weight decay in a +adamw split (default ${String(runConfigDefault('optimizer.adamwWeightDecay'))})`, field: 'optimizer.adamwWeightDecay' },
  steps: { kind: 'int', help: 'optimizer steps (default: the preset’s long horizon)', field: 'steps' },
  'batch-size': { kind: 'int', help: 'sequences per micro-batch (default: the preset’s)', field: 'batchSize' },
  'grad-accum': { kind: 'int', help: 'micro-batches per optimizer step (default: the preset’s)', field: 'gradAccum' },
  'eval-every': { kind: 'int', help: 'evaluate every N steps (default: the preset’s)', field: 'evalEvery' },
  seed: { kind: 'int', help: `seed (default ${String(runConfigDefault('seed'))})`, field: 'seed' },
} as const satisfies Record<string, RunFlag>;

/** --optimizer-module of train and sweep. */
export const MODULE_FLAG = { kind: 'string', help: 'a module of yours (.ts or .js) exporting defineOptimizer entries: their names join --optimizer’s', value: 'FILE' } as const satisfies FlagSpec;

/** The module --optimizer-module names, loaded; first, since its names are optimizer names the config is checked against. */
export async function loadModuleFlag(flags: Readonly<Record<string, FlagValue | undefined>>): Promise<OptimizerModule | undefined> {
  const path = flags['optimizer-module'];
  return path === undefined ? undefined : loadOptimizerModule(resolvePath(path as string), '--optimizer-module');
}

/** `base` (a --config object) with the given flags set on it. */
export function applyRunFlags(base: Record<string, unknown>, flags: Readonly<Record<string, FlagValue | undefined>>): Record<string, unknown> {
  const raw = base['optimizer'];
  // Not an object: leave it as it is for the schema to reject with its own message.
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) return { ...base };
  const input: Record<string, unknown> = { ...base, optimizer: { ...(raw as object | undefined) } };
  const optimizer = input['optimizer'] as Record<string, unknown>;
  // Another optimizer than the config's: keep only the schedule, not the old one's hyperparameters.
  if (flags['optimizer'] !== undefined && flags['optimizer'] !== optimizer['name']) {
    const { schedule, warmupRatio, minLrRatio } = optimizer;
    input['optimizer'] = Object.fromEntries(Object.entries({ schedule, warmupRatio, minLrRatio }).filter(([, v]) => v !== undefined));
  }
  for (const [flag, spec] of Object.entries(RUN_FLAGS)) {
    const value = flags[flag];
    if (value === undefined) continue;
    const [head, key] = spec.field.split('.') as [string, string | undefined];
    if (key) (input[head] as Record<string, unknown>)[key] = value;
    else input[head] = value;
  }
  return input;
}

/** The resolved config; schema errors name the flag that set a bad field. */
export function resolveWithFlags(input: Record<string, unknown>, flags: Readonly<Record<string, FlagValue | undefined>>, defaultPreset: PresetName): TrainConfig {
  try {
    return resolveRunConfig(input as RunConfigInput, { preset: defaultPreset });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    let message = err.message;
    for (const [flag, spec] of Object.entries(RUN_FLAGS)) {
      if (flags[flag] !== undefined) message = message.replaceAll(`${spec.field}:`, `--${flag} (${spec.field}):`);
    }
    throw new InputError(message);
  }
}

/** Help's closing notes: every optimizer with its hyperparameters and defaults. */
export function optimizerNotes(): string {
  return `Optimizers (hyperparameters with defaults; set them in --config under "optimizer"):\n${describeOptimizers()}`;
}
