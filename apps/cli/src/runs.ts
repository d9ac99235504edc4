/**
 * One run = one folder: config.json (the resolved run config, readable back by `--config`),
 * log.jsonl (a line per step and per evaluation, appended as they happen), result.json (written
 * atomically when the run ends). A folder with a complete result.json is finished and skipped; a
 * result.json that is unreadable or incomplete counts as unfinished. An unfinished run resumes
 * from its checkpoint when it keeps one, and otherwise starts again.
 *
 * A result must prove it belongs to its folder: its run id and the key of its configuration
 * (config-key.ts) must be the folder's. One that does not (copied from another run) is foreign: it
 * is ignored and the run made again, with a warning. A finished result holds a finite final loss;
 * one that does not is incomplete and made again.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { describeBatchPlan, InputError, type OptimizerConfig, type TrainConfig } from '@optimlab/moe-model';
import { train, type EvalInfo, type StepInfo } from '@optimlab/moe-model/node';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { configKey } from './config-key.js';
import type { Data } from './data.js';
import { evalLines, readLog } from './run-log.js';

export interface RunSpec {
  /** Unique, filesystem-safe. */
  readonly id: string;
  readonly phase: string;
  /** What varies, for tables (e.g. "lr 0.03"). */
  readonly label: string;
  readonly horizon: Horizon;
  readonly train: TrainConfig;
}

/** A study horizon: the preset's short or long one, or a number of optimizer steps (token budgets). */
export const horizonSchema = z.union([z.enum(['short', 'long']), z.number().int().min(1).max(1_000_000)]);
export type Horizon = z.infer<typeof horizonSchema>;

/** Where and on what a run was made. */
export interface RunEnvironment {
  readonly commit: string;
  readonly adapter: string;
  readonly worker?: string;
}

const resultSchema = z.object({
  id: z.string(),
  /** configKey(config) of the run's resolved config: ties the result to its folder (absent in results made before it was kept). */
  configKey: z.string().optional(),
  phase: z.string(),
  label: z.string(),
  horizon: horizonSchema,
  optimizer: z.looseObject({ name: z.string(), learningRate: z.number() }),
  seed: z.number(),
  status: z.enum(['finished', 'diverged']),
  /** Optimizer steps completed. */
  steps: z.number(),
  /** Why the run was stopped as diverged. */
  reason: z.string().optional(),
  /** null when the run diverged before any evaluation. */
  bestLoss: z.number().nullable(),
  /** null when the run diverged. */
  finalLoss: z.number().nullable(),
  finalAccuracy: z.number(),
  seconds: z.number(),
  /** GPU time of one optimizer step (ms; GPU timestamps on a few steps), null when not measured. */
  optimizerGpuMs: z.number().nullable(),
  curve: z.array(z.tuple([z.number(), z.number()])),
  utilisation: z.array(z.array(z.number())),
  /** `worker`: the queue worker that made the run (absent for a run made in the command's own process). */
  environment: z.object({ commit: z.string(), adapter: z.string(), worker: z.string().optional() }),
}).refine((r) => r.status !== 'finished' || r.finalLoss !== null, { message: 'a finished run must hold a finite final loss', path: ['finalLoss'] });
export type RunResult = Omit<z.infer<typeof resultSchema>, 'optimizer'> & { readonly optimizer: OptimizerConfig };

export interface RunProgress {
  onStep(run: RunSpec, step: StepInfo): void;
  onEval?(run: RunSpec, info: EvalInfo): void;
  /** A run continues from its checkpoint. */
  onResume?(run: RunSpec, step: number): void;
  /** Once per run: how its micro-batch runs on this adapter ("micro-batch 24 runs as 2 × 12 …"). */
  onBatchPlan?(run: RunSpec, text: string): void;
}

/** A run result checked against its schema (from a file or a queue worker), or undefined. */
export function parseResult(value: unknown): RunResult | undefined {
  const r = resultSchema.safeParse(value);
  return r.success ? (r.data as RunResult) : undefined;
}

/** Warnings go to stderr once per message (a study view reads the same folders many times). */
const warned = new Set<string>();
export function warn(text: string): void {
  if (warned.has(text)) return;
  warned.add(text);
  console.warn(`warning: ${text}`);
}

/** Why the result in `dir` does not belong there (foreign or incomplete), or undefined when it does. */
function mismatch(dir: string, r: RunResult, spec: RunSpec | undefined): string | undefined {
  let train = spec?.train;
  if (!train) {
    // No run asked for: the folder's own config.json (the resolved config, as written) says what
    // the result must be. It is compared as written, not resolved again: a module optimizer's run
    // is reported by processes that never load the module.
    try {
      const written: unknown = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8').replace(/^\uFEFF/, ''));
      if (!written || typeof written !== 'object' || Array.isArray(written)) throw new Error('not an object');
      train = written as TrainConfig;
    } catch {
      return 'its folder has no valid config.json to check it against';
    }
  }
  if (spec && r.id !== spec.id) return `its run id is "${r.id.slice(0, 60)}", the folder's is "${spec.id}"`;
  if (r.configKey !== undefined && r.configKey !== configKey(train)) return `its configuration key ${r.configKey.slice(0, 20)} is not the folder's (${configKey(train)})`;
  // A result from before keys were kept: its optimizer and seed must be the folder's.
  if (r.configKey === undefined && (JSON.stringify(r.optimizer) !== JSON.stringify(train.optimizer) || r.seed !== train.seed)) return "its optimizer or seed is not the folder's";
  return undefined;
}

/**
 * The finished run's result, or undefined when the folder holds no complete result of its own. A
 * result that is unreadable, incomplete (finished without a finite loss) or foreign (another run's)
 * is ignored with a warning, and the run is made again. `spec`: the run the folder is for
 * (otherwise the folder's config.json decides).
 */
export function readResult(dir: string, spec?: RunSpec): RunResult | undefined {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) return undefined;
  let r: RunResult | undefined;
  try {
    r = parseResult(JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')));
  } catch {
    r = undefined;
  }
  if (!r) {
    warn(`${file} is unreadable or incomplete (not a finished run with a finite final loss); the run is made again.`);
    return undefined;
  }
  const why = mismatch(dir, r, spec);
  if (why) {
    warn(`${file} is not this folder's result (${why}): a foreign result; the run is made again.`);
    return undefined;
  }
  return r;
}

/** Keeps the log lines up to `step` (a run resumed from a checkpoint at `step`); torn or junk lines are dropped. */
function trimLog(log: string, step: number): void {
  const kept = readLog(log, warn).filter((l) => l.step !== undefined && l.step <= step); // plan lines are written again
  writeFileSync(log, kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

export interface RunOptions {
  /** Keep a checkpoint in the folder (and resume from it). */
  readonly checkpoint?: boolean;
  readonly environment: RunEnvironment;
  /** Optimizer steps to time with GPU timestamps (see TrainOptions). */
  readonly profileOptimizerSteps?: number;
  /** Stops the run between steps (see TrainOptions); executeRun then rejects with its reason. */
  readonly signal?: AbortSignal;
}

/** Runs `spec` in `dir` unless it is finished there; returns its result. */
export async function executeRun(spec: RunSpec, dir: string, data: Data, progress: RunProgress, { checkpoint = false, environment, profileOptimizerSteps = 0, signal }: RunOptions): Promise<RunResult> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`${dir} should be a run folder but is a file: move it away, then run again.`);
  const done = readResult(dir, spec);
  if (done) return done;
  // A result here that is not this run's (foreign or incomplete): nothing in the folder can be trusted, start over.
  const distrusted = existsSync(join(dir, 'result.json'));
  const resumable = checkpoint && !distrusted && existsSync(join(dir, 'checkpoint.safetensors'));
  // Interrupted without a checkpoint: start it again (other files in the folder stay).
  if (!resumable) for (const f of ['checkpoint.safetensors', 'log.jsonl', 'result.json']) rmSync(join(dir, f), { force: true });
  mkdirSync(dir, { recursive: true });
  await writeAtomically(join(dir, 'config.json'), JSON.stringify(spec.train, null, 2));
  const log = join(dir, 'log.jsonl');
  const curve: [number, number][] = [];
  let last: EvalInfo | undefined;
  let reason: string | undefined;
  const start = performance.now();
  const result = await train(
    spec.train,
    data,
    {
      onResume: (step) => {
        trimLog(log, step);
        for (const e of evalLines(readLog(log, warn))) if (Number.isFinite(e.valLoss)) (curve.push([e.step, e.valLoss]), (last = e as unknown as EvalInfo));
        progress.onResume?.(spec, step);
      },
      onWarning: (text) => warn(text),
      onBatchPlan: (plan) => {
        const text = describeBatchPlan(plan);
        appendFileSync(log, `${JSON.stringify({ type: 'plan', text, subBatches: plan.subBatches })}\n`);
        progress.onBatchPlan?.(spec, text);
      },
      onStep: (s) => {
        appendFileSync(log, `${JSON.stringify({ type: 'step', ...s })}\n`);
        progress.onStep(spec, s);
      },
      onEval: (e) => {
        appendFileSync(log, `${JSON.stringify({ type: 'eval', ...e })}\n`);
        if (!Number.isFinite(e.valLoss)) return; // the run is stopped as diverged next
        curve.push([e.step, e.valLoss]);
        last = e;
        progress.onEval?.(spec, e);
      },
      onDiverged: (step, loss, why) => {
        reason = why;
        appendFileSync(log, `${JSON.stringify({ type: 'diverged', step, loss: Number.isFinite(loss) ? loss : String(loss), reason: why })}\n`);
      },
    },
    { checkpointDir: checkpoint ? dir : undefined, profileOptimizerSteps, signal },
  );
  for (const p of Object.values(result.params)) p.dispose();
  const out: RunResult = {
    id: spec.id,
    configKey: configKey(spec.train),
    phase: spec.phase,
    label: spec.label,
    horizon: spec.horizon,
    optimizer: spec.train.optimizer,
    seed: spec.train.seed,
    status: result.status,
    steps: result.steps,
    ...(reason ? { reason } : {}),
    bestLoss: curve.length ? Math.min(...curve.map(([, v]) => v)) : null,
    finalLoss: result.status === 'finished' && last ? last.valLoss : null, // finite: a non-finite evaluation stops the run as diverged
    finalAccuracy: result.status === 'finished' && last ? last.accuracy : 0,
    seconds: (performance.now() - start) / 1000,
    optimizerGpuMs: result.optimizerGpuMs,
    curve,
    utilisation: last?.utilisation ?? [],
    environment,
  };
  await writeAtomically(join(dir, 'result.json'), JSON.stringify(out, null, 2));
  return out;
}
