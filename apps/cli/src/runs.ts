/**
 * One run = one folder: config.json (the exact configuration), log.jsonl (a line per step and per
 * evaluation, appended as they happen), result.json (written atomically when the run ends). A
 * folder with result.json is finished and skipped; one without is an interrupted run and restarts.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { train, type EvalInfo, type OptimizerConfig, type TrainConfig } from '@optimlab/moe-model/node';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import type { Data } from './data.js';

export interface RunSpec {
  /** Unique, filesystem-safe. */
  readonly id: string;
  readonly phase: string;
  /** What varies, for tables (e.g. "lr 0.03"). */
  readonly label: string;
  readonly horizon: 'short' | 'long';
  readonly train: TrainConfig;
}

export interface RunResult {
  readonly id: string;
  readonly phase: string;
  readonly label: string;
  readonly horizon: 'short' | 'long';
  readonly optimizer: OptimizerConfig;
  readonly seed: number;
  readonly status: 'finished' | 'diverged';
  /** null when the run diverged before any evaluation. */
  readonly bestLoss: number | null;
  /** null when the run diverged. */
  readonly finalLoss: number | null;
  readonly finalAccuracy: number;
  readonly seconds: number;
  readonly curve: [number, number][];
  readonly utilisation: number[][];
}

export interface RunProgress {
  onStep(run: RunSpec, step: number, loss: number): void;
}

export function readResult(dir: string): RunResult | undefined {
  const file = join(dir, 'result.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResult) : undefined;
}

export async function executeRun(spec: RunSpec, root: string, data: Data, progress: RunProgress): Promise<RunResult> {
  const dir = join(root, spec.id);
  const done = readResult(dir);
  if (done) return done;
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true }); // interrupted: start it again
  mkdirSync(dir, { recursive: true });
  await writeAtomically(join(dir, 'config.json'), JSON.stringify(spec, null, 2));
  const log = join(dir, 'log.jsonl');
  const curve: [number, number][] = [];
  let last: EvalInfo | undefined;
  const start = performance.now();
  const result = await train({ ...spec.train, checkpointDir: spec.phase === 'final' ? dir : undefined }, data, {
    onStep: (s) => {
      appendFileSync(log, `${JSON.stringify({ type: 'step', ...s })}\n`);
      progress.onStep(spec, s.step, s.loss);
    },
    onEval: (e) => {
      appendFileSync(log, `${JSON.stringify({ type: 'eval', ...e })}\n`);
      curve.push([e.step, e.valLoss]);
      last = e;
    },
    onDiverged: (step, loss) => appendFileSync(log, `${JSON.stringify({ type: 'diverged', step, loss })}\n`),
  });
  for (const p of Object.values(result.params)) p.dispose();
  const out: RunResult = {
    id: spec.id,
    phase: spec.phase,
    label: spec.label,
    horizon: spec.horizon,
    optimizer: spec.train.optimizer,
    seed: spec.train.seed,
    status: result.status,
    bestLoss: curve.length ? Math.min(...curve.map(([, v]) => v)) : null,
    finalLoss: result.status === 'finished' && last ? last.valLoss : null,
    finalAccuracy: result.status === 'finished' && last ? last.accuracy : 0,
    seconds: (performance.now() - start) / 1000,
    curve,
    utilisation: last?.utilisation ?? [],
  };
  await writeAtomically(join(dir, 'result.json'), JSON.stringify(out, null, 2));
  return out;
}
