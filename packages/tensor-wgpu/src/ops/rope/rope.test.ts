import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { rope } from './rope.js';
import { ropeRef } from './rope.ref.js';

describe('rotary position embedding', () => {
  it.each([
    [[2, 3, 5, 6], 0],
    [[7, 10], 4],
  ])('%j offset %i: GPU vs reference and VJP', async (shape, offset) => {
    const [T, D] = shape.slice(-2) as [number, number];
    await checkOp({
      inputs: [{ shape }],
      gpu: ([x]) => rope(x!, { base: 10000, offset }),
      ref: ([x]) => ropeRef(x!, T, D, 10000, offset),
      rtol: 1e-4,
      atol: 1e-5,
    });
  });
  it('rejects an odd head dim', () => {
    expect(() => rope(tensor([1, 2, 3], [1, 3]))).toThrow(/D even/);
  });
});
