/**
 * normalizeMatrices(x, { scale, eps }): each matrix of x (..., rows, cols) divided by its Frobenius
 * norm times `scale` plus `eps` (see normalize.wgsl.ts). Not differentiable: Newton–Schulz's first
 * step, an optimizer's business.
 */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, u32 } from '../common.js';
import { normalizeMatricesWgsl } from './normalize.wgsl.js';

export interface NormalizeOptions {
  /** ‖X‖_F is multiplied by this before eps is added (Polar Express: 1.01). */
  readonly scale?: number;
  readonly eps?: number;
}

export function normalizeMatrices(x: Tensor, { scale = 1, eps = 1e-7 }: NormalizeOptions = {}): Tensor {
  assertF32(x, 'normalizeMatrices');
  if (x.ndim < 2) throw new RangeError(`normalizeMatrices: needs (..., rows, cols), got ${shapeStr(x.shape)}.`);
  const per = x.shape[x.ndim - 1]! * x.shape[x.ndim - 2]!;
  const count = per === 0 ? 0 : x.size / per;
  if (count > 65535) throw new RangeError(`normalizeMatrices: at most 65535 matrices per call, got ${count}.`);
  const y = new Tensor(x.shape);
  if (count === 0) return y;
  const vec = per % 4 === 0 ? 4 : 1;
  dispatch(kernel(`ns-normalize:${vec}`, () => normalizeMatricesWgsl(vec)), [u32(per / vec), f32(scale), f32(eps)], [x.buffer, y.buffer], [count]);
  return y;
}
