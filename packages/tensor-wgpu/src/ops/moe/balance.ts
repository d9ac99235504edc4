/**
 * balanceLoss: a top-k router's load-balancing loss in one kernel (backward: one), instead of the
 * mean, product, sum and scale it is made of. See balance.wgsl.ts.
 */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { balanceLossGradWgsl, balanceLossWgsl } from './balance.wgsl.js';

/**
 * scale · Σ_e fraction[e] · mean_n probs[n, e], shape [], for router probabilities (N, E) and each
 * expert's share of routed slots `fraction` (E). Differentiable in probs only: the shares come
 * from a discrete choice (Switch Transformer's f_e).
 */
export function balanceLoss(probs: Tensor, fraction: Tensor, scale: number): Tensor {
  assertF32(probs, 'balanceLoss');
  assertF32(fraction, 'balanceLoss');
  const [N, E] = probs.shape as [number, number];
  if (probs.ndim !== 2 || fraction.ndim !== 1 || fraction.size !== E || N === 0) {
    throw new RangeError(`balanceLoss: needs probabilities (N ≥ 1, E) and shares (E), got ${shapeStr(probs.shape)} and ${shapeStr(fraction.shape)}.`);
  }
  const out = new Tensor([]);
  dispatch(kernel('moe-balance-loss', balanceLossWgsl), [u32(N * E), u32(E), f32(scale / N)], [probs.buffer, fraction.buffer, out.buffer], [1, 1, 1]);
  return record('balanceLoss', [probs], { scale }, out, [fraction.view(fraction.shape)]);
}

/** dprobs (N, E) from the loss's gradient g (shape []). */
export function balanceLossBackward(g: Tensor, probs: Tensor, fraction: Tensor, scale: number): Tensor {
  const [N, E] = probs.shape as [number, number];
  const dprobs = new Tensor([N, E]);
  dispatch(kernel('moe-balance-loss-back', balanceLossGradWgsl), [u32(N * E), u32(E), f32(scale / N)], [g.buffer, fraction.buffer, dprobs.buffer], grid1d(N * E));
  return dprobs;
}
