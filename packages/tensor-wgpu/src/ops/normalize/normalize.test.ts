import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { normalizeMatrices } from './normalize.js';
import { normalizeMatricesRef } from './normalize.ref.js';

describe('normalizeMatrices', () => {
  it('matches hand values', async () => {
    const y = await normalizeMatrices(tensor([3, 4, 0, 0, 1, 0, 0, 0], [2, 2, 2]), { eps: 0 }).read();
    expect(y).toBeAllclose([0.6, 0.8, 0, 0, 1, 0, 0, 0]);
  });
  // Sizes below, at and past the 64 invocations, scalar (size % 4 ≠ 0) and vec4, with a scale.
  it.each([
    ['one 7×9 (scalar)', [7, 9]],
    ['3 of 5×3 (scalar)', [3, 5, 3]],
    ['2 of 36×20 (vec4)', [2, 36, 20]],
    ['2×2 of 4×1 (vec4, nested batch)', [2, 2, 4, 1]],
  ] as [string, number[]][])('%s: GPU vs reference', async (_name, shape) => {
    const count = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    await checkOp({
      inputs: [{ shape }],
      gpu: ([x]) => normalizeMatrices(x!, { scale: 1.01, eps: 1e-3 }),
      ref: ([x]) => normalizeMatricesRef(x!, count, { scale: 1.01, eps: 1e-3 }),
      grad: false,
    });
  });
  it('rejects a vector', () => {
    expect(() => normalizeMatrices(tensor([1, 2, 3]))).toThrow(/needs \(\.\.\., rows, cols\)/);
  });
});
