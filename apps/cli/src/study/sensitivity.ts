/**
 * Learning-rate sensitivity from the seed-mean curve: the final loss averaged over seeds at each
 * grid LR, read in log10(lr) with straight lines between grid points. From it: the width (in
 * decades) of the LR range whose loss stays within a fraction of the best, the mean excess loss
 * over a window of decades around the optimum, and the optimum itself, each saying where the grid
 * limits it (an open side, a partial window, an optimum on an edge). It reads numbers only; which
 * runs they come from and what verdict follows is the study's business.
 */
import type { Verdict } from './stats.js';

export interface SeedLosses {
  readonly lr: number;
  /** Final loss of each seed at this LR; Infinity for a seed that diverged. */
  readonly losses: readonly number[];
}

export interface CurvePoint {
  readonly lr: number;
  /** Mean over seeds; Infinity when any seed diverged. */
  readonly mean: number;
  /** Seeds at this LR. */
  readonly n: number;
  /** Seeds that diverged (non-finite loss). */
  readonly diverged: number;
}

export type Side = 'low' | 'high';

/** The seed-mean curve, sorted by LR. Throws on an LR with no seeds or an LR listed twice. */
export function meanCurve(points: readonly SeedLosses[]): CurvePoint[] {
  const curve = [...points]
    .sort((p, q) => p.lr - q.lr)
    .map(({ lr, losses }) => {
      if (losses.length === 0) throw new Error(`meanCurve: no seeds at lr ${lr}`);
      const diverged = losses.filter((l) => !Number.isFinite(l)).length;
      return { lr, mean: diverged > 0 ? Infinity : losses.reduce((s, l) => s + l, 0) / losses.length, n: losses.length, diverged };
    });
  curve.forEach((p, i) => {
    if (i > 0 && p.lr === curve[i - 1]!.lr) throw new Error(`meanCurve: lr ${p.lr} listed twice`);
  });
  return curve;
}

/** Index of the least finite mean (the first on ties), or −1 when none is finite. */
function argmin(curve: readonly CurvePoint[]): number {
  let best = -1;
  curve.forEach((p, i) => {
    if (Number.isFinite(p.mean) && (best < 0 || p.mean < curve[best]!.mean)) best = i;
  });
  return best;
}

export interface LrWidth {
  /** Ends of the range, in LR. */
  readonly low: number;
  readonly high: number;
  /** log10(high / low). */
  readonly decades: number;
  /** True when the range reaches a grid edge: the width is then only a lower bound. */
  readonly lowerBound: boolean;
  /** The sides where the range reaches the grid's edge. */
  readonly openSides: Side[];
  /** The sides whose end sits on a finite grid point because the next point diverged (conservative). */
  readonly divergedSides: Side[];
  /** The grid's resolution here: the largest log10 step between neighbours from the interval holding `low` to the one holding `high` (0 for a one-point grid). */
  readonly resolution: number;
}

/**
 * The LR range where the mean loss stays at or below T = best·(1 + fraction), walking out from the
 * best point on each side to the first crossing. Between grid points the loss is linear in log10(lr);
 * a diverged neighbour puts the crossing at the finite point itself. Null when no point is finite.
 */
export function lrWidth(curve: readonly CurvePoint[], fraction: number): LrWidth | null {
  const best = argmin(curve);
  if (best < 0) return null;
  const x = curve.map((p) => Math.log10(p.lr));
  const threshold = curve[best]!.mean * (1 + fraction);
  const openSides: Side[] = [];
  const divergedSides: Side[] = [];
  // Walk one way (step ±1) to the first point above T: the crossing (log10 lr and lr; a grid
  // point's own lr when it ends on one) and the index of the grid point beyond it.
  const walk = (step: 1 | -1, side: Side): { end: number; lr: number; outer: number } => {
    for (let i = best; ; i += step) {
      const next = i + step;
      const atPoint = { end: x[i]!, lr: curve[i]!.lr };
      if (next < 0 || next >= curve.length) return openSides.push(side), { ...atPoint, outer: i };
      const [m0, m1] = [curve[i]!.mean, curve[next]!.mean];
      if (m1 <= threshold) continue;
      if (!Number.isFinite(m1)) return divergedSides.push(side), { ...atPoint, outer: next };
      const end = x[i]! + ((threshold - m0) / (m1 - m0)) * (x[next]! - x[i]!);
      return { end, lr: 10 ** end, outer: next };
    }
  };
  const left = walk(-1, 'low');
  const right = walk(1, 'high');
  let resolution = 0;
  for (let i = left.outer; i < right.outer; i++) resolution = Math.max(resolution, x[i + 1]! - x[i]!);
  return {
    low: left.lr,
    high: right.lr,
    decades: right.end - left.end,
    lowerBound: openSides.length > 0,
    openSides,
    divergedSides,
    resolution,
  };
}

export interface ExcessLoss {
  /** Mean of (loss − best) over the covered part of the window, uniform in log10(lr); NaN when nothing is covered. */
  readonly excess: number;
  /** Share of the window [lr*·10^−decades, lr*·10^decades] that the grid covers, 0..1. */
  readonly covered: number;
  /** True when the window runs past the grid on a side. */
  readonly partial: boolean;
}

export interface ExcessLossOptions {
  /** Half-width of the window around the optimum, in decades. */
  readonly decades?: number;
  /** Loss that stands in for a diverged mean (e.g. ln V, the loss of a uniform guess). */
  readonly divergedLoss: number;
}

/**
 * Mean excess loss over a window of ±decades around the argmin lr* of the mean curve: the exact
 * integral (trapezoids) of the piecewise-linear curve in log10(lr), divided by the covered length.
 * Null when no point is finite.
 */
export function excessLoss(curve: readonly CurvePoint[], { decades = 1, divergedLoss }: ExcessLossOptions): ExcessLoss | null {
  const best = argmin(curve);
  if (best < 0) return null;
  const x = curve.map((p) => Math.log10(p.lr));
  const y = curve.map((p) => (Number.isFinite(p.mean) ? p.mean : divergedLoss) - curve[best]!.mean);
  const [from, to] = [Math.max(x[best]! - decades, x[0]!), Math.min(x[best]! + decades, x[x.length - 1]!)];
  const at = (v: number, i: number): number => y[i]! + ((v - x[i]!) / (x[i + 1]! - x[i]!)) * (y[i + 1]! - y[i]!);
  let area = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const [u, v] = [Math.max(x[i]!, from), Math.min(x[i + 1]!, to)];
    if (v > u) area += ((at(u, i) + at(v, i)) / 2) * (v - u);
  }
  const covered = (to - from) / (2 * decades);
  return { excess: to > from ? area / (to - from) : NaN, covered, partial: covered < 0.999 } // lattice points are rounded to 3 digits: a window can miss by 0.02%;
}

export interface Optimum {
  /** The grid LR with the least mean loss, and that loss. */
  readonly lr: number;
  readonly loss: number;
  /** Vertex of the parabola in log10(lr) through the best point and its two neighbours; null when a neighbour is missing or diverged. */
  readonly refinedLr: number | null;
  readonly refinedLoss: number | null;
  /** True when the best point is not at either edge of the grid. */
  readonly bracketed: boolean;
}

/** The optimum of the mean curve and its parabolic refinement. Null when no point is finite. */
export function optimumLr(curve: readonly CurvePoint[]): Optimum | null {
  const i = argmin(curve);
  if (i < 0) return null;
  const { lr, mean: loss } = curve[i]!;
  const bracketed = i > 0 && i < curve.length - 1;
  const none = { lr, loss, refinedLr: null, refinedLoss: null, bracketed };
  if (!bracketed || !Number.isFinite(curve[i - 1]!.mean) || !Number.isFinite(curve[i + 1]!.mean)) return none;
  const [x0, x1, x2] = [i - 1, i, i + 1].map((k) => Math.log10(curve[k]!.lr)) as [number, number, number];
  const [y0, y1, y2] = [curve[i - 1]!.mean, loss, curve[i + 1]!.mean];
  // y = c2·(x − x1)² + c1·(x − x1) + y1 through the three points (divided differences).
  const [s0, s2] = [(y0 - y1) / (x0 - x1), (y2 - y1) / (x2 - x1)];
  // c2 > 0 always: the argmin is the first least point, so y0 > y1 ≤ y2 and the parabola opens upward.
  const c2 = (s2 - s0) / (x2 - x0);
  const c1 = s0 - c2 * (x0 - x1);
  const h = -c1 / (2 * c2);
  return { ...none, refinedLr: 10 ** (x1 + h), refinedLoss: y1 - (c1 * c1) / (4 * c2) };
}

/**
 * One verdict over several tolerances (e.g. { '1': …, '2': …, '5': … } for 1%, 2% and 5%): the
 * common verdict when all agree, else 'threshold-dependent'. Throws on an empty record.
 */
export function thresholdVerdict(verdicts: Readonly<Record<string, Verdict>>): Verdict {
  const all = Object.values(verdicts);
  if (all.length === 0) throw new Error('thresholdVerdict: no verdicts');
  return all.every((v) => v === all[0]) ? all[0]! : 'threshold-dependent';
}
