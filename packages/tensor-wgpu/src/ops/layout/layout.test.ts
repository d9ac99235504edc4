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
    [[2, 3, 4, 8], [0, 2, 1, 3]], // heads: the inner run of 8 is copied as vec4s
    [[1, 6, 1, 4], [2, 0, 3, 1]], // size-1 dims dropped
    [[2, 3, 4, 8], [1, 0, 2, 3]], // (4, 8) merges into one run of 32
  ])('transpose %j by %j', async (shape, perm) => {
    await checkOp({ inputs: [{ shape }], gpu: ([x]) => transpose(x!, perm), ref: ([x]) => transposeRef(x!, shape, perm) });
  });
  it.each([
    [[5, 7], 0, 1, 4],
    [[5, 7], 1, 2, 7],
    [[2, 6, 3], 1, 0, 5],
    [[3, 16], 1, 4, 12], // vec4 rows at a vec4-aligned offset
    [[3, 16], 1, 2, 10], // misaligned: scalar
    [[4, 2, 8], 0, 1, 3], // one contiguous run: a buffer copy
    [[1, 5, 3], 1, 1, 4], // leading after a size-1 dim: a buffer copy
  ])('slice %j axis %i [%i, %i)', async (shape, axis, start, end) => {
    await checkOp({ inputs: [{ shape }], gpu: ([x]) => slice(x!, axis, start, end), ref: ([x]) => sliceRef(x!, shape, axis, start, end) });
  });
  it.each<[string, number[][], number]>([
    ['an inner axis', [[2, 3, 4], [2, 1, 4], [2, 5, 4]], 1],
    ['the leading axis (buffer copies)', [[2, 3, 5], [1, 3, 5], [4, 3, 5]], 0],
    ['the last axis in vec4 runs', [[3, 4], [3, 8], [3, 4]], 1],
  ])('concat along %s', async (_, shapes, axis) => {
    await checkOp({ inputs: shapes.map((shape) => ({ shape })), gpu: (xs) => concat(xs, axis), ref: (xs) => concatRef(xs, shapes, axis) });
  });
  it('transposes i32 tensors, scalar and vec4', async () => {
    const x = tensor(Array.from({ length: 24 }, (_, i) => i), [3, 2, 4], 'i32');
    expect(Array.from(await transpose(x, [1, 0, 2]).read())).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23]);
    expect(Array.from(await transpose(x, [0, 2, 1]).read()).slice(0, 8)).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
  });
  it('rejects bad arguments', () => {
    expect(() => slice(tensor([1, 2, 3]), 0, 2, 5)).toThrow(/outside axis 0/);
    expect(() => transpose(tensor([1, 2], [1, 2]), [0, 0])).toThrow(/not a permutation/);
    expect(() => concat([tensor([1, 2], [1, 2]), tensor([1, 2, 3], [1, 3])], 0)).toThrow(/does not match/);
  });
});
