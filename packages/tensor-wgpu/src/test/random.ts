/** Seeded random test inputs. */
import { rng } from '../rng.js';

export { rng };

/** n values uniform on [lo, hi). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}
