/** routerGates: softmax, top-k and the gates' softmax of a top-k router in one kernel (router.wgsl.ts). */
import { recordMulti } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, grid1d, u32 } from '../common.js';
import { MAX_K } from '../topk/topk.wgsl.js';
import { routerGatesBackwardWgsl, routerGatesWgsl } from './router.wgsl.js';

export interface RouterGates {
  /** softmax(logits), (N, E). */
  readonly probs: Tensor;
  /** softmax over the k chosen logits, (N, k), in the order of `indices`. */
  readonly gates: Tensor;
  /** (N, k) i32: the chosen experts, by descending logit (ties: lower index first). No gradient. */
  readonly indices: Tensor;
}

/**
 * The router of a top-k mixture of experts from its logits (N, E): the same numbers as
 * `softmax(logits)`, `topk(logits, k)` and `softmax(values)`. Differentiable in the logits through
 * probs and gates.
 */
export function routerGates(logits: Tensor, k: number): RouterGates {
  assertF32(logits, 'routerGates');
  const [N, E] = logits.shape as [number, number];
  if (logits.ndim !== 2 || !Number.isInteger(k) || k < 1 || k > MAX_K || k > E) {
    throw new RangeError(`routerGates: needs logits (tokens, experts) and k in [1, min(${MAX_K}, experts)], got ${shapeStr(logits.shape)} and k = ${k}.`);
  }
  const probs = new Tensor([N, E]);
  const gates = new Tensor([N, k]);
  const indices = new Tensor([N, k], 'i32');
  if (N > 0) dispatch(kernel('moe-router', routerGatesWgsl), [u32(N), u32(E), u32(k), u32(0)], [logits.buffer, probs.buffer, gates.buffer, indices.buffer], grid1d(N, 64));
  // Backward reads both outputs and the indices: views, so the caller may dispose its own.
  recordMulti('routerGates', [logits], { k }, [probs, gates], [probs.view(probs.shape), gates.view(gates.shape), indices.view(indices.shape)]);
  return { probs, gates, indices };
}

/** dlogits from the gradients of [probs, gates] (either may be null) and the saved outputs. */
export function routerGatesBackward(gs: ReadonlyArray<Tensor | null>, probs: Tensor, gates: Tensor, indices: Tensor): Tensor {
  const [N, E] = probs.shape as [number, number];
  const k = gates.shape[1]!;
  const [gp, gg] = gs;
  const present = (gp ? 1 : 0) | (gg ? 2 : 0);
  const dlogits = new Tensor([N, E]);
  const buffers = [(gp ?? probs).buffer, (gg ?? gates).buffer, probs.buffer, gates.buffer, indices.buffer, dlogits.buffer];
  if (N > 0) dispatch(kernel('moe-router-back', routerGatesBackwardWgsl), [u32(N), u32(E), u32(k), u32(present)], buffers, grid1d(N, 64));
  return dlogits;
}
