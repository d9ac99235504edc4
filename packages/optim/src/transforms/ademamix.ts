/**
 * AdEMAMix's direction (Pagliardini, Ablin & Grangier 2024, arXiv:2409.03137, Algorithm 1): Adam's
 * bias-corrected fast EMA plus α times a slow EMA with β3 close to 1, over Adam's denominator:
 *   m1 ← β1·m1 + (1−β1)·u,  m2 ← β3(t)·m2 + (1−β3(t))·u,  ν ← β2·ν + (1−β2)·u²
 *   direction = (m1/(1−β1^t) + α(t)·m2) / (√(ν/(1−β2^t)) + ε)
 * with the paper's warmups (each off when its length is 0):
 *   α(t) = min(t·α/T_α, α)
 *   β3(t) = min(exp(ln β1 · ln β3 / ((1 − t/T_β3)·ln β3 + (t/T_β3)·ln β1)), β3)
 * (β3's warmup is linear in the EMA's time scale 1/ln β, from β1's to β3's.)
 */
import { checkHyper } from '../base.js';
import { elementwiseTransform, type ElementwiseTransformation } from './elementwise-transform.js';

export interface AdemamixOptions {
  readonly b1: number;
  readonly b2: number;
  readonly b3: number;
  readonly alpha: number;
  readonly eps: number;
  /** Steps of α's linear warmup (0: none). */
  readonly alphaWarmup: number;
  /** Steps of β3's warmup (0: none). */
  readonly b3Warmup: number;
}

/** α(t), 1-based t. */
export function ademamixAlpha(t: number, alpha: number, warmup: number): number {
  return warmup > 0 ? Math.min((t * alpha) / warmup, alpha) : alpha;
}

/** β3(t), 1-based t. */
export function ademamixBeta3(t: number, b1: number, b3: number, warmup: number): number {
  if (warmup <= 0 || t >= warmup) return b3;
  const f = t / warmup;
  if (b1 === 0) return t === 0 ? 0 : Math.min(b3 ** (1 / f), b3); // the formula's limit as β1 → 0
  return Math.min(Math.exp((Math.log(b1) * Math.log(b3)) / ((1 - f) * Math.log(b3) + f * Math.log(b1))), b3);
}

export function scaleByAdemamix({ b1, b2, b3, alpha, eps, alphaWarmup, b3Warmup }: AdemamixOptions): ElementwiseTransformation {
  for (const [name, v] of [['b1', b1], ['b2', b2], ['b3', b3]] as const) checkHyper(name, v, { min: 0, max: 1 });
  checkHyper('alpha', alpha, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-ademamix',
    body: /* wgsl */ `
      fast = b1 * fast + (1.0 - b1) * u;
      slow = b3 * slow + (1.0 - b3) * u;
      nu = b2 * nu + (1.0 - b2) * u * u;
      next = (fast / bc1 + alpha * slow) / (sqrt(nu / bc2) + eps);`,
    state: ['fast', 'slow', 'nu'],
    scalars: (t) => ({
      b1,
      b2,
      b3: ademamixBeta3(t, b1, b3, b3Warmup),
      alpha: ademamixAlpha(t, alpha, alphaWarmup),
      bc1: 1 - b1 ** t,
      bc2: 1 - b2 ** t,
      eps,
    }),
  });
}
