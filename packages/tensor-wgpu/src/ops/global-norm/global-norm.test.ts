import { describe, expect, it } from 'vitest';
import { tensor } from '../../creation.js';
import { randomArray } from '../../test/random.js';
import { globalNorm } from './global-norm.js';

describe('global L2 norm over a list of tensors', () => {
  it('matches the float64 sum of squares (ragged sizes)', async () => {
    const arrays = [randomArray(1, 1), randomArray(37, 2), randomArray(5003, 3)];
    let ss = 0;
    for (const a of arrays) for (const v of a) ss += v * v;
    const norm = await globalNorm(arrays.map((a) => tensor(a))).item();
    expect(norm).toBeCloseTo(Math.sqrt(ss), 3);
    expect(Math.abs(norm / Math.sqrt(ss) - 1)).toBeLessThan(1e-5);
  });
});
