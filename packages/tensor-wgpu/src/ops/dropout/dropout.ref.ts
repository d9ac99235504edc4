/** Float64 reference: the same Philox mask as the kernel. */
import { philoxRef, splitSeed, toUnitRef } from '../random/philox.ref.js';

export function dropoutRef(x: ArrayLike<number>, p: number, seed: number, stream = 0): Float64Array {
  const [lo, hi] = splitSeed(seed);
  const out = new Float64Array(x.length);
  for (let block = 0; block * 4 < x.length; block++) {
    const u = philoxRef([block, stream, 0, 0], [lo, hi]).map(toUnitRef);
    for (let j = 0; j < 4 && block * 4 + j < x.length; j++) {
      out[block * 4 + j] = u[j]! >= Math.fround(p) ? x[block * 4 + j]! / (1 - Math.fround(p)) : 0;
    }
  }
  return out;
}
