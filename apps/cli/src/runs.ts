/**
 * One run = one folder: config.json (the resolved run config, readable back by `--config`),
 * log.jsonl (a line per step and per evaluation, appended as they happen), result.json (written
 * atomically when the run ends). A folder with a complete result.json is finished and skipped; a
 * result.json that is unreadable or incomplete counts as unfinished. An unfinished run resumes
 * from its checkpoint when it keeps one, and otherwise starts again.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeBatchPlan, type OptimizerConfig, type TrainConfig } from '@optimlab/moe-model';
import { train, type EvalInfo, type StepInfo } from '@optimlab/moe-model/node';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import type { Data } from './data.js';

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
});
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

/** The finished run's result, or undefined when the folder holds no complete, readable result. */
export function readResult(dir: string): RunResult | undefined {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) return undefined;
  try {
    return parseResult(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Keeps the log lines up to `step` (a run resumed from a checkpoint at `step`). */
function trimLog(log: string, step: number): void {
  if (!existsSync(log)) return;
  const kept = readFileSync(log, 'utf8').split('\n').filter((l) => l && (JSON.parse(l) as { step?: number }).step! <= step);
  writeFileSync(log, kept.map((l) => `${l}\n`).join(''));
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
  const done = readResult(dir);
  if (done) return done;
  const resumable = checkpoint && existsSync(join(dir, 'checkpoint.safetensors'));
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
        for (const l of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
          const e = JSON.parse(l) as EvalInfo & { type: string };
          if (e.type === 'eval') (curve.push([e.step, e.valLoss]), (last = e));
        }
        progress.onResume?.(spec, step);
      },
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
        curve.push([e.step, e.valLoss]);
        last = e;
        progress.onEval?.(spec, e);
      },
      onDiverged: (step, loss, why) => {
        reason = why;
        appendFileSync(log, `${JSON.stringify({ type: 'diverged', step, loss, reason: why })}\n`);
      },
    },
    { checkpointDir: checkpoint ? dir : undefined, profileOptimizerSteps, signal },
  );
  for (const p of Object.values(result.params)) p.dispose();
  const out: RunResult = {
    id: spec.id,
    phase: spec.phase,
    label: spec.label,
    horizon: spec.horizon,
    optimizer: spec.train.optimizer,
    seed: spec.train.seed,
    status: result.status,
    steps: result.steps,
    ...(reason ? { reason } : {}),
    bestLoss: curve.length ? Math.min(...curve.map(([, v]) => v)) : null,
    finalLoss: result.status === 'finished' && last ? last.valLoss : null,
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
