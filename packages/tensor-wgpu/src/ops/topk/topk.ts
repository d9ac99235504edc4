/** topk(x, k): the k largest values along the last axis (descending) and their i32 indices. */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, grid1d, u32 } from '../common.js';
import { fill } from '../elementwise/elementwise.js';
import { MAX_K, topkBackwardWgsl, topkWgsl } from './topk.wgsl.js';

export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  assertF32(x, 'topk');
  const n = x.shape[x.ndim - 1] ?? 0;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K || k > n) {
    throw new RangeError(`topk: k must be an integer in [1, min(${MAX_K}, ${n})] for ${shapeStr(x.shape)}, got ${k}.`);
  }
  const rows = x.size / n;
  const shape = [...x.shape.slice(0, -1), k];
  const values = new Tensor(shape);
  const indices = new Tensor(shape, 'i32');
  if (rows > 0) dispatch(kernel('topk', topkWgsl), [u32(rows), u32(n), u32(k)], [x.buffer, values.buffer, indices.buffer], grid1d(rows, 64));
  // The tape keeps its own view of the indices so the caller may dispose theirs.
  record('topk', [x], { k }, values, [indices.view(indices.shape)]);
  return { values, indices };
}

export function topkBackward(g: Tensor, indices: Tensor, inputShape: readonly number[]): Tensor {
  const n = inputShape[inputShape.length - 1]!;
  const k = g.shape[g.ndim - 1]!;
  const rows = g.size / k;
  const dx = fill(inputShape, 0);
  dispatch(kernel('topk-back', topkBackwardWgsl), [u32(rows), u32(n), u32(k)], [g.buffer, indices.buffer, dx.buffer], grid1d(rows, 64));
  return dx;
}
