/** rope(x (..., T, D), { base, offset }): rotary embedding with interleaved pairs. */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { ropeWgsl } from './rope.wgsl.js';

export interface RopeOptions {
  /** θ base (10000 in RoFormer and the thesis). */
  readonly base?: number;
  /** Position of the first row (for generation with a cache). */
  readonly offset?: number;
}

export function rotate(x: Tensor, base: number, offset: number, dir: 1 | -1): Tensor {
  const D = x.shape[x.ndim - 1]!;
  const T = x.shape[x.ndim - 2]!;
  const y = new Tensor(x.shape);
  const pairs = x.size / 2;
  if (pairs > 0) dispatch(kernel('rope', ropeWgsl), [u32(pairs), u32(T), u32(D), f32(base), u32(offset), f32(dir)], [x.buffer, y.buffer], grid1d(pairs));
  return y;
}

export function rope(x: Tensor, { base = 10000, offset = 0 }: RopeOptions = {}): Tensor {
  assertF32(x, 'rope');
  if (x.ndim < 2 || x.shape[x.ndim - 1]! % 2 !== 0) throw new RangeError(`rope: needs (..., T, D) with D even, got ${shapeStr(x.shape)}.`);
  return record('rope', [x], { base, offset }, rotate(x, base, offset, 1));
}
