import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { concat } from '../layout/layout.js';
import { mul } from '../elementwise/elementwise.js';
import { sumAll } from '../reduce/reduce.js';
import { backward } from '../../autodiff/tape.js';
import { requireGrad } from '../../autodiff/record.js';
import { addRmsNorm } from './add-norm.js';
import { addRmsNormRef } from './add-norm.ref.js';
import { normRef } from './norm.ref.js';
import { dropout } from '../dropout/dropout.js';

describe('addRmsNorm', () => {
  it.each([
    [7, 10, { p: 0.3, seed: 5, stream: 3 }], // groups of 4 straddle rows
    [4, 3, { p: 0.5, seed: 1 }],
    [5, 8, undefined],
    [3, 6, { p: 0, seed: 2 }],
  ])('%i rows of %i, dropout %o: sum and normed vs reference, VJP of x, branch and w', async (rows, C, drop) => {
    await checkOp({
      inputs: [{ shape: [rows, C] }, { shape: [rows, C] }, { shape: [C] }],
      gpu: ([x, b, w]) => concat(addRmsNorm(x!, b!, w!, { eps: 1e-5, ...(drop ? { dropout: drop } : {}) }), 0),
      ref: ([x, b, w]) => addRmsNormRef(x!, b!, w!, C, 1e-5, drop),
    });
  });
  it('gives the numbers of dropout, add and rmsNorm apart (the mask is dropout\'s)', async () => {
    const [rows, C] = [6, 12];
    const data = (k: number): number[] => Array.from({ length: rows * C }, (_, i) => Math.sin(i * k));
    const [x, b] = [tensor(data(1), [rows, C]), tensor(data(2), [rows, C])];
    const opts = { p: 0.4, seed: 9, stream: 7 };
    const [sum] = addRmsNorm(x, b, tensor(new Array(C).fill(1), [C]), { dropout: opts });
    const apart = await dropout(b, opts).read();
    const xs = await x.read();
    expect(await sum.read()).toBeAllclose(Array.from(apart, (v, i) => v + xs[i]!), { rtol: 1e-6, atol: 1e-7 });
  });
  it('only normed used: the gradient flows through it alone; saved stats outlive a disposed sum', async () => {
    const [rows, C] = [3, 5];
    const x = requireGrad(tensor(Array.from({ length: rows * C }, (_, i) => Math.cos(i)), [rows, C]));
    const b = tensor(new Array(rows * C).fill(0.25), [rows, C]);
    const w = tensor([1, 2, 3, 4, 5], [C]);
    const [sum, normed] = addRmsNorm(x, b, w);
    sum.dispose();
    const g = Array.from({ length: rows * C }, (_, i) => 1 + i / 9);
    backward(sumAll(mul(normed, tensor(g, [rows, C]))));
    // Central differences of the float64 reference.
    const xs = await x.read();
    const f = (v: Float64Array): number => normRef(v.map((t, i) => t + 0.25), [1, 2, 3, 4, 5], undefined, C, 1e-6).reduce((a, y, i) => a + y * g[i]!, 0);
    const fd = Array.from(xs, (_, i) => {
      const [up, down] = [Float64Array.from(xs), Float64Array.from(xs)];
      up[i]! += 1e-6;
      down[i]! -= 1e-6;
      return (f(up) - f(down)) / 2e-6;
    });
    expect(await x.grad!.read()).toBeAllclose(fd, { rtol: 1e-3, atol: 1e-4 });
  });
  it('rejects mismatched shapes and p outside [0, 1)', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    expect(() => addRmsNorm(x, tensor([1, 2], [1, 2]), tensor([1, 1], [2]))).toThrow(/one shape/);
    expect(() => addRmsNorm(x, x, tensor([1, 1], [2]), { dropout: { p: 1, seed: 0 } })).toThrow(/p must be in/);
  });
});
