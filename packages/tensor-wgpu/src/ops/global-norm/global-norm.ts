/**
 * globalNorm(tensors) = sqrt(Σ_t Σ_i t_i²) over a list of tensors (gradient clipping), on the GPU:
 * one workgroup reduction of squares per tensor into a slot, then one sum and square root.
 * Not differentiable (clipping treats the norm as a constant).
 */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { assertF32, u32 } from '../common.js';
import { sumSquaresWgsl, sqrtOfSumWgsl } from './global-norm.wgsl.js';

export function globalNorm(tensors: readonly Tensor[]): Tensor {
  const partials = new Tensor([Math.max(1, tensors.length)]);
  tensors.forEach((t, slot) => {
    assertF32(t, 'globalNorm');
    dispatch(kernel('sum-squares', sumSquaresWgsl), [u32(t.size), u32(slot)], [t.buffer, partials.buffer], [1]);
  });
  const out = new Tensor([]);
  dispatch(kernel('sqrt-of-sum', sqrtOfSumWgsl), [u32(tensors.length)], [partials.buffer, out.buffer], [1]);
  partials.dispose();
  return out;
}
