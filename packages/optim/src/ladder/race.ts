/**
 * The ladder race: every optimizer at each learning rate of its grid on the teacher–student MLP,
 * under one schedule (10% warmup, constant, cosine cooldown over the last 20%), full-data loss
 * relative to the start read at log-spaced steps, and the step where it first reaches the target.
 * Each run draws its own minibatch stream from a fixed seed, so a run's result does not depend on
 * which other optimizers were selected. Deviations from the ladder's numpy script: EMA momentum in
 * Muon (equal after NS up to eps), Muon's shape scale √max(1, r/c), Shampoo's roots refreshed every
 * 10 steps, MuonH's radius ‖W₀‖ of the student.
 */
import { backward, gatherRows, requireGrad, scope, scopeAsync, sync, tensor } from '@optimlab/tensor-wgpu';
import type { Schedule } from '../base.js';
import { createOptimizer } from '../optimizer.js';
import { makeOptimizer } from '../registry/registry.js';
import { initNet, LADDER_BATCH, LADDER_SAMPLES, LADDER_TARGET, mse, net, type LadderData } from './problem.js';

export interface LadderEntry {
  /** Learning rates tried (5 points, ×√10 apart). */
  readonly grid: readonly number[];
  /** Hyperparameters other than the registry defaults, as in the ladder's script. */
  readonly hyper?: Readonly<Record<string, unknown>>;
}

/**
 * The ladder's contestants, by registry name: the script's nine with its grids, then every other
 * registry optimizer on a grid of the same width centred on its reference learning rate (the MLP
 * has only weight matrices, so the matrix optimizers take every parameter).
 */
export const LADDER: Readonly<Record<string, LadderEntry>> = {
  sgd: { grid: [3e-2, 1e-1, 3e-1, 1, 3] },
  momentum: { grid: [1e-2, 3e-2, 1e-1, 3e-1, 1] },
  adam: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  adamw: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], hyper: { weightDecay: 0 } },
  signsgd: { grid: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2] },
  lion: { grid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2] },
  muon: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], hyper: { momentum: 0.9, nesterov: false } },
  shampoo: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], hyper: { updateEvery: 10 } },
  soap: { grid: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2] },
  muonh: { grid: [3e-3, 1e-2, 3e-2, 1e-1, 3e-1] },
  nesterov: { grid: [1e-2, 3e-2, 1e-1, 3e-1, 1] },
  adagrad: { grid: [3e-3, 1e-2, 3e-2, 1e-1, 3e-1] },
  rmsprop: { grid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2] },
  signum: { grid: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2] },
  ademamix: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  normuon: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  momo: { grid: [1e-1, 3e-1, 1, 3, 10] },
  muonmax: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  'muonmax-momo': { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  'muon-momo': { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
};

/** Steps per run: the ladder script's 4000 on a GPU, fewer on a software adapter (a CPU). */
export const LADDER_STEPS = { gpu: 4000, software: 600 } as const;

/** 10% linear warmup, constant, cosine to 0 over the last 20%. */
export function ladderSchedule(total: number): Schedule {
  return (t) => {
    const fr = t / total;
    if (fr < 0.1) return fr / 0.1;
    if (fr < 0.8) return 1;
    return 0.5 * (1 + Math.cos((Math.PI * (fr - 0.8)) / 0.2));
  };
}

export interface LadderRun {
  readonly optimizer: string;
  readonly lr: number;
  readonly steps: number;
  /** [step, full-data loss / initial loss]; Infinity once non-finite. */
  readonly curve: [number, number][];
  /** The relative full-data loss at the last step: what the leaderboard ranks by. */
  readonly finalRelative: number;
  /** Interpolated step where the relative loss first reached the target, or null. */
  readonly stepsToTarget: number | null;
}

export function stepsTo(curve: readonly (readonly [number, number])[], target = LADDER_TARGET): number | null {
  if (curve[0] && curve[0][1] <= target) return curve[0][0];
  for (let i = 1; i < curve.length; i++) {
    const [s0, v0] = curve[i - 1]!;
    const [s1, v1] = curve[i]!;
    if (v1 <= target && v0 > target) return s0 + ((v0 - target) / (v0 - v1)) * (s1 - s0);
  }
  return null;
}

/** Log-spaced reading steps in [1, steps]. */
export function readingSteps(steps: number): number[] {
  return [...new Set(Array.from({ length: 40 }, (_, i) => Math.round(Math.exp((Math.log(steps) * i) / 39))))].filter((s) => s >= 1 && s <= steps);
}

export interface LadderRunCallbacks {
  /** After each step's work is queued; may yield (a browser page stays responsive, runs interleave). */
  onStep?: (step: number) => Promise<void> | void;
  /** Each reading of the relative full-data loss as it comes back from the GPU (live curves). */
  onReading?: (step: number, relative: number) => void;
}

/** One run: `name` at `lr` for `steps` steps. */
export async function runLadderOne(data: LadderData, name: string, lr: number, steps: number, { onStep, onReading }: LadderRunCallbacks = {}): Promise<LadderRun> {
  const entry = LADDER[name];
  if (!entry) throw new RangeError(`"${name}" is not on the ladder (known: ${Object.keys(LADDER).join(', ')}).`);
  const params = initNet(2, 1.0);
  for (const p of Object.values(params)) requireGrad(p);
  const opt = createOptimizer(makeOptimizer(name, { ...entry.hyper, learningRate: lr }, ladderSchedule(steps)), params);
  const initial = await scopeAsync(async () => mse(net(params, data.x), data.y).item());
  const readAt = new Set(readingSteps(steps));
  const readings: Promise<[number, number]>[] = [];
  let seed = 7; // each run draws the same minibatch stream
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  for (let t = 1; t <= steps; t++) {
    scope(() => {
      const idx = tensor(Array.from({ length: LADDER_BATCH }, () => Math.floor(rand() * LADDER_SAMPLES)), [LADDER_BATCH], 'i32');
      const loss = mse(net(params, gatherRows(data.x, idx)), gatherRows(data.y, idx));
      backward(loss);
      opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss });
      for (const p of Object.values(params)) {
        p.grad!.dispose();
        p.grad = undefined;
      }
      if (readAt.has(t)) {
        const full = mse(net(params, data.x), data.y).keep();
        readings.push(full.item().then((v) => (full.dispose(), onReading?.(t, v / initial), [t, v / initial] as [number, number])));
      }
    });
    if (t % 200 === 0) await sync(); // let Dawn retire finished work
    await onStep?.(t);
  }
  const curve = (await Promise.all(readings)).map(([s, v]) => [s, Number.isFinite(v) ? v : Infinity] as [number, number]);
  opt.dispose();
  for (const p of Object.values(params)) p.dispose();
  return { optimizer: name, lr, steps, curve, finalRelative: curve[curve.length - 1]?.[1] ?? Infinity, stepsToTarget: stepsTo(curve) };
}

/**
 * A run read back from JSON, where a diverged run's Infinity was written as null: null is
 * Infinity again (compared raw, null would rank a diverged run best).
 */
export function reviveRun(saved: LadderRun): LadderRun {
  const finite = (v: number | null): number => (v === null ? Infinity : v);
  return { ...saved, finalRelative: finite(saved.finalRelative), curve: saved.curve.map(([s, v]) => [s, finite(v)] as [number, number]) };
}

/** Per optimizer, its best learning rate: lowest final relative loss. */
export function bestPerOptimizer(runs: readonly LadderRun[]): LadderRun[] {
  const best = new Map<string, LadderRun>();
  for (const r of runs) if (!best.has(r.optimizer) || r.finalRelative < best.get(r.optimizer)!.finalRelative) best.set(r.optimizer, r);
  return [...best.values()];
}

/** The leaderboard: fewest steps to target first, then lowest final relative loss. */
export function leaderboard(runs: readonly LadderRun[]): LadderRun[] {
  return bestPerOptimizer(runs).sort((a, b) => (a.stepsToTarget ?? Infinity) - (b.stepsToTarget ?? Infinity) || a.finalRelative - b.finalRelative);
}
