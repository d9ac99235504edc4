import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { dropout } from './dropout.js';
import { dropoutRef } from './dropout.ref.js';

describe('seeded dropout', () => {
  it('mask equals the Philox reference; VJP applies the same mask', async () => {
    await checkOp({
      inputs: [{ shape: [9, 7] }],
      gpu: ([x]) => dropout(x!, { p: 0.3, seed: 11, stream: 2 }),
      ref: ([x]) => dropoutRef(x!, 0.3, 11, 2),
    });
  });
  it('drops about p of the elements and keeps the mean', async () => {
    const y = await dropout(tensor(new Array(20_000).fill(1)), { p: 0.25, seed: 3 }).readF32();
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(y.reduce((a, b) => a + b, 0) / y.length - 1)).toBeLessThan(0.03);
  });
  it('rejects p outside [0, 1)', () => {
    expect(() => dropout(tensor([1]), { p: 1, seed: 0 })).toThrow(/p must be in \[0, 1\)/);
  });
});
