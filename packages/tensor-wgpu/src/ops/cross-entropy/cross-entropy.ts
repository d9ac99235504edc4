/**
 * crossEntropy(logits (..., V), targets i32 (...)) → scalar mean over tokens whose target is not
 * `ignoreIndex` (targets outside [0, V) are ignored too). Fused: no softmax tensor in the forward.
 */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, i32, u32 } from '../common.js';
import { crossEntropyBackwardWgsl, crossEntropyReduceWgsl, crossEntropyRowsWgsl } from './cross-entropy.wgsl.js';

export interface CrossEntropyOptions {
  /** Targets equal to this contribute nothing (PyTorch's default −100). */
  readonly ignoreIndex?: number;
}

export function crossEntropy(logits: Tensor, targets: Tensor, { ignoreIndex = -100 }: CrossEntropyOptions = {}): Tensor {
  assertF32(logits, 'crossEntropy');
  assertI32(targets, 'crossEntropy');
  const V = logits.shape[logits.ndim - 1] ?? 0;
  const N = V === 0 ? 0 : logits.size / V;
  if (targets.size !== N) {
    throw new RangeError(`crossEntropy: logits ${shapeStr(logits.shape)} need ${N} targets, got ${shapeStr(targets.shape)}.`);
  }
  const lse = new Tensor([N]);
  const losses = new Tensor([N]);
  const count = new Tensor([1]);
  const out = new Tensor([]);
  const uniforms = [u32(N), u32(V), i32(ignoreIndex)];
  if (N > 0) dispatch(kernel('ce-rows', crossEntropyRowsWgsl), uniforms, [logits.buffer, targets.buffer, lse.buffer, losses.buffer], grid1d(N, 64));
  dispatch(kernel('ce-reduce', crossEntropyReduceWgsl), uniforms, [losses.buffer, targets.buffer, out.buffer, count.buffer], [1]);
  losses.dispose();
  return record('crossEntropy', [logits, targets], { ignoreIndex }, out, [lse, count]);
}

/** dlogits given the scalar upstream gradient g and the saved lse and count. */
export function crossEntropyBackward(g: Tensor, logits: Tensor, targets: Tensor, lse: Tensor, count: Tensor, ignoreIndex: number): Tensor {
  const V = logits.shape[logits.ndim - 1]!;
  const N = logits.size / V;
  const dx = new Tensor(logits.shape);
  const buffers = [logits.buffer, targets.buffer, lse.buffer, count.buffer, g.buffer, dx.buffer];
  if (N > 0) dispatch(kernel('ce-back', crossEntropyBackwardWgsl), [u32(N), u32(V), i32(ignoreIndex)], buffers, grid1d(N * V));
  return dx;
}
