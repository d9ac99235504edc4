import { describe, expect, it } from 'vitest';
import { checkOp, inputData } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { topk } from './topk.js';
import { topkRef } from './topk.ref.js';

describe('top-k over the last axis', () => {
  it.each([
    [[5, 8], 2],
    [[3, 13], 8],
    [[2, 3, 9], 1],
  ])('%j, k = %i: values and indices vs reference, VJP', async (shape, k) => {
    const n = shape[shape.length - 1]!;
    await checkOp({ inputs: [{ shape }], gpu: ([x]) => topk(x!, k).values, ref: ([x]) => topkRef(x!, n, k).values });
    const [x] = inputData([{ shape }], 1);
    const { indices } = topk(tensor(x!, shape), k);
    expect(Array.from(await indices.read())).toEqual(Array.from(topkRef(x!, n, k).indices));
  });
  it('keeps the lower index first on ties', async () => {
    const { indices } = topk(tensor([1, 3, 3, 0], [1, 4]), 2);
    expect(Array.from(await indices.read())).toEqual([1, 2]);
  });
  it('rejects k > 8 or k > n', () => {
    expect(() => topk(tensor(new Array(20).fill(0), [2, 10]), 9)).toThrow(/k must be an integer/);
    expect(() => topk(tensor([1, 2], [1, 2]), 3)).toThrow(/k must be an integer/);
  });
});
