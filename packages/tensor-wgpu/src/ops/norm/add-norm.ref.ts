import { dropoutRef } from '../dropout/dropout.ref.js';
import { normRef } from './norm.ref.js';

/**
 * Float64 reference of addRmsNorm: sum = x + dropout(branch), normed = RMSNorm(sum) ⊙ w; returned
 * one after the other (sum, then normed).
 */
export function addRmsNormRef(
  x: ArrayLike<number>, branch: ArrayLike<number>, w: ArrayLike<number>, C: number, eps: number,
  dropout?: { p: number; seed: number; stream?: number },
): Float64Array {
  const dropped = dropout ? dropoutRef(branch, dropout.p, dropout.seed, dropout.stream) : branch;
  const sum = Float64Array.from(x, (v, i) => v + dropped[i]!);
  const out = new Float64Array(2 * x.length);
  out.set(sum, 0);
  out.set(normRef(sum, w, undefined, C, eps), x.length);
  return out;
}
