import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { concat, reshape, slice, transpose } from './layout.js';
import { concatRef, sliceRef, transposeRef } from './layout.ref.js';

describe('layout ops', () => {
  it('reshape is a view with a -1 dim, and its gradient reshapes back', async () => {
    await checkOp({ inputs: [{ shape: [3, 4] }], gpu: ([x]) => reshape(x!, [2, -1, 3]), ref: ([x]) => x!.slice() });
    expect(() => reshape(tensor([1, 2, 3]), [2, 2])).toThrow(/cannot view \[3\]/);
  });
  it.each([
    [[3, 5], [1, 0]],
    [[2, 3, 5], [2, 0, 1]],
    [[2, 3, 4, 5], [0, 2, 1, 3]],
  ])('transpose %j by %j', async (shape, perm) => {
    await checkOp({ inputs: [{ shape }], gpu: ([x]) => transpose(x!, perm), ref: ([x]) => transposeRef(x!, shape, perm) });
  });
  it.each([
    [[5, 7], 0, 1, 4],
    [[5, 7], 1, 2, 7],
    [[2, 6, 3], 1, 0, 5],
  ])('slice %j axis %i [%i, %i)', async (shape, axis, start, end) => {
    await checkOp({ inputs: [{ shape }], gpu: ([x]) => slice(x!, axis, start, end), ref: ([x]) => sliceRef(x!, shape, axis, start, end) });
  });
  it('concat along an inner axis', async () => {
    const shapes = [[2, 3, 4], [2, 1, 4], [2, 5, 4]];
    await checkOp({
      inputs: shapes.map((shape) => ({ shape })),
      gpu: (xs) => concat(xs, 1),
      ref: (xs) => concatRef(xs, shapes, 1),
    });
  });
  it('rejects bad arguments', () => {
    expect(() => slice(tensor([1, 2, 3]), 0, 2, 5)).toThrow(/outside axis 0/);
    expect(() => transpose(tensor([1, 2], [1, 2]), [0, 0])).toThrow(/not a permutation/);
    expect(() => concat([tensor([1, 2], [1, 2]), tensor([1, 2, 3], [1, 3])], 0)).toThrow(/does not match/);
  });
});
