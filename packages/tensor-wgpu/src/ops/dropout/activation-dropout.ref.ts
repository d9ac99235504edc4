import type { UnaryFn } from '../elementwise/elementwise.js';
import { unaryRef } from '../elementwise/elementwise.ref.js';
import { dropoutRef } from './dropout.ref.js';

/** Float64 reference of activationDropout: dropout(f(x)) with dropout's Philox mask. */
export function activationDropoutRef(fn: UnaryFn, x: ArrayLike<number>, param: number, p: number, seed: number, stream = 0): Float64Array {
  return dropoutRef(unaryRef(fn, x, param), p, seed, stream);
}
