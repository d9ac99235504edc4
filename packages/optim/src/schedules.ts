/**
 * Learning-rate (or any hyperparameter) schedules as pure `step → value` functions, 0-based steps.
 * Join them with `joinSchedules`; warmups are given in steps or as a ratio of the horizon.
 */
import type { Schedule } from './base.js';

function checkSteps(name: string, steps: number): void {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`${name} must be a non-negative integer number of steps, got ${steps}.`);
}

export const constant = (value: number): Schedule => () => value;

/** From `init` to `end` linearly over `steps`, then `end`. */
export function linear(init: number, end: number, steps: number): Schedule {
  checkSteps('linear: steps', steps);
  return (t) => (steps === 0 ? end : init + (end - init) * Math.min(1, Math.max(0, t) / steps));
}

/** Cosine from `init` down to `init·alpha` (the floor) over `steps`, then the floor. */
export function cosineDecay(init: number, steps: number, alpha = 0): Schedule {
  checkSteps('cosineDecay: steps', steps);
  return (t) => {
    const fraction = steps === 0 ? 1 : Math.min(1, Math.max(0, t) / steps);
    return init * (alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)));
  };
}

/** init · factor^⌊t / every⌋ (step decay). */
export function stepDecay(init: number, every: number, factor: number): Schedule {
  if (!(every > 0)) throw new RangeError(`stepDecay: every must be positive, got ${every}.`);
  return (t) => init * factor ** Math.floor(Math.max(0, t) / every);
}

/** Runs schedules[i] from boundaries[i−1] on, each seeing steps counted from its own start. */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) throw new RangeError('joinSchedules: need one more schedule than boundaries.');
  boundaries.forEach((b, i) => {
    checkSteps('joinSchedules: boundary', b);
    if (i > 0 && b < boundaries[i - 1]!) throw new RangeError('joinSchedules: boundaries must not decrease.');
  });
  return (t) => {
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]!) i++;
    return schedules[i]!(t - (i === 0 ? 0 : boundaries[i - 1]!));
  };
}

export interface WarmupOptions {
  /** Peak value reached at the end of warmup. */
  readonly peak: number;
  readonly totalSteps: number;
  /** Warmup length as a fraction of totalSteps (e.g. 0.1), from 0 up to peak. */
  readonly warmupRatio?: number;
  /** Floor of the decay as a fraction of peak. */
  readonly alpha?: number;
}

/** Linear warmup from 0 to `peak`, then cosine decay to `peak·alpha` at `totalSteps`. */
export function warmupCosineDecay({ peak, totalSteps, warmupRatio = 0, alpha = 0 }: WarmupOptions): Schedule {
  const warm = Math.round(totalSteps * warmupRatio);
  return joinSchedules([linear(0, peak, warm), cosineDecay(peak, totalSteps - warm, alpha)], [warm]);
}

/** Linear warmup from 0 to `peak`, then linear decay to `peak·alpha`. */
export function warmupLinearDecay({ peak, totalSteps, warmupRatio = 0, alpha = 0 }: WarmupOptions): Schedule {
  const warm = Math.round(totalSteps * warmupRatio);
  return joinSchedules([linear(0, peak, warm), linear(peak, peak * alpha, totalSteps - warm)], [warm]);
}

/** Linear warmup then constant. */
export function warmupConstant({ peak, totalSteps, warmupRatio = 0 }: WarmupOptions): Schedule {
  const warm = Math.round(totalSteps * warmupRatio);
  return joinSchedules([linear(0, peak, warm), constant(peak)], [warm]);
}
