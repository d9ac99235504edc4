import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { concat, reshape } from '../layout/layout.js';
import { mul } from '../elementwise/elementwise.js';
import { sumAll } from '../reduce/reduce.js';
import { backward } from '../../autodiff/tape.js';
import { requireGrad } from '../../autodiff/record.js';
import { qkvHeads } from './heads.js';
import { qkvHeadsRef } from './heads.ref.js';

describe('qkvHeads', () => {
  it.each([
    [2, 5, 3, 6, 10000, 0], // T, H not powers of two; 3 pairs per head
    [1, 7, 2, 2, 500, 3], // one pair per head, an offset
    [3, 4, 1, 8, undefined, 0], // no rotation: a pure split
  ])('B = %i, T = %i, H = %i, D = %i, base %s: q, k, v vs reference, VJP', async (B, T, H, D, base, offset) => {
    await checkOp({
      inputs: [{ shape: [B, T, 3 * H * D] }],
      gpu: ([x]) => concat(qkvHeads(x!, { heads: H, ...(base === undefined ? {} : { rope: { base, offset } }) }), 0),
      ref: ([x]) => qkvHeadsRef(x!, B, T, H, D, base, offset),
    });
  });
  it('an output the loss does not use contributes nothing', async () => {
    const [B, T, H, D] = [1, 3, 2, 2];
    const data = Array.from({ length: B * T * 3 * H * D }, (_, i) => Math.sin(i));
    const x = requireGrad(tensor(data, [B, T, 3 * H * D]));
    const [q, , v] = qkvHeads(x, { heads: H, rope: { base: 100 } });
    backward(sumAll(mul(concat([q, v], 0), tensor(Array.from({ length: 2 * q.size }, (_, i) => 1 + i / 7), [2 * B, H, T, D]))));
    const dx = await x.grad!.read();
    // k's channels (which = 1) get exactly zero; q's and v's do not.
    const part = (which: number): number[] => Array.from(dx).filter((_, i) => Math.floor((i % (3 * H * D)) / (H * D)) === which);
    expect(part(1).every((g) => g === 0)).toBe(true);
    expect(part(0).some((g) => g !== 0) && part(2).some((g) => g !== 0)).toBe(true);
  });
  it('rejects a head size that is odd or does not divide the channels', () => {
    expect(() => qkvHeads(tensor(new Array(18).fill(0), [1, 1, 18]), { heads: 2 })).toThrow(/D even/);
    expect(() => qkvHeads(reshape(tensor(new Array(20).fill(0), [20]), [1, 1, 20]), { heads: 2 })).toThrow(/D even/);
  });
});
