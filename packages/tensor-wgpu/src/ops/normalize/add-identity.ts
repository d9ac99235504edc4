/** addIdentity(x, α): x + α·I for each square matrix of x (..., k, k). Not differentiable. */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { addIdentityWgsl } from './add-identity.wgsl.js';

export function addIdentity(x: Tensor, alpha: number): Tensor {
  assertF32(x, 'addIdentity');
  const k = x.shape[x.ndim - 1]!;
  if (x.ndim < 2 || x.shape[x.ndim - 2] !== k) throw new RangeError(`addIdentity: needs square matrices (..., k, k), got ${shapeStr(x.shape)}.`);
  const y = new Tensor(x.shape);
  if (x.size > 0) dispatch(kernel('ns-add-identity', addIdentityWgsl), [u32(x.size), u32(k), f32(alpha)], [x.buffer, y.buffer], grid1d(x.size));
  return y;
}
