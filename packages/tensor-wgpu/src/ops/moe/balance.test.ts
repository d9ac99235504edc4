import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { balanceLoss } from './balance.js';
import { balanceLossRef } from './balance.ref.js';

describe('balanceLoss', () => {
  // N·E past one workgroup's 256 lanes (and not a multiple of it), and a tiny one.
  it.each([
    [300, 7, 0.08],
    [3, 2, 1.5],
  ])('N = %i, E = %i, scale %f: GPU vs reference, VJP of probs', async (N, E, scale) => {
    const fraction = Array.from({ length: E }, (_, e) => (e + 1) / ((E * (E + 1)) / 2));
    await checkOp({
      inputs: [{ shape: [N, E] }],
      gpu: ([probs]) => balanceLoss(probs!, tensor(fraction, [E]), scale),
      ref: ([probs]) => balanceLossRef(probs!, fraction, scale),
    });
  });
  it('rejects shares that do not match the experts', () => {
    expect(() => balanceLoss(tensor([0.5, 0.5], [1, 2]), tensor([1, 0, 0], [3]), 1)).toThrow(/probabilities \(N ≥ 1, E\) and shares \(E\)/);
  });
});
