/**
 * causalAttention(q, k, v): softmax(q·kᵀ/√D + causal mask)·v over (..., T, D), fused
 * (see attention.wgsl.ts). Heads are leading dims: pass (B, H, T, D).
 */
import { record } from '../../autodiff/tape.js';
import { gpuSync } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, sameShape, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { currentMatmulVariant } from '../matmul/matmul.js';
import { attentionBackwardKeyValueSubgroupWgsl, attentionBackwardQuerySubgroupWgsl, attentionForwardSubgroupWgsl } from './attention-subgroup.wgsl.js';
import { MAX_HEAD_DIM, attentionBackwardKeyValueWgsl, attentionBackwardQueryWgsl, attentionForwardWgsl } from './attention.wgsl.js';

/**
 * The subgroup kernels run where the matmul's subgroup variant is in force, for D % 4 = 0 up to
 * MAX_SUBGROUP_HEAD_DIM: they are unrolled per D, and lavapipe took ~60 s to compile them at D = 128.
 */
const MAX_SUBGROUP_HEAD_DIM = 48;
const useSubgroups = (D: number): boolean => D % 4 === 0 && D <= MAX_SUBGROUP_HEAD_DIM && currentMatmulVariant(gpuSync()) === 'subgroup';
const subgroupGrid = (BH: number, T: number): [number, number, number] => [Math.ceil(T / 8), BH, 1];

function dims(q: Tensor): [number, number, number] {
  const D = q.shape[q.ndim - 1]!;
  const T = q.shape[q.ndim - 2]!;
  return [q.size / (T * D), T, D];
}

export function causalAttention(q: Tensor, k: Tensor, v: Tensor): Tensor {
  for (const t of [q, k, v]) assertF32(t, 'causalAttention');
  if (q.ndim < 2 || !sameShape(q.shape, k.shape) || !sameShape(q.shape, v.shape)) {
    throw new RangeError(`causalAttention: q, k, v must share one (..., T, D) shape, got ${[q, k, v].map((t) => shapeStr(t.shape)).join(', ')}.`);
  }
  const [BH, T, D] = dims(q);
  if (D > MAX_HEAD_DIM) throw new RangeError(`causalAttention: head dim ${D} exceeds ${MAX_HEAD_DIM}.`);
  const o = new Tensor(q.shape);
  const lse = new Tensor([BH, T]);
  const uniforms = [u32(BH), u32(T), u32(D), f32(1 / Math.sqrt(D))];
  const buffers = [q.buffer, k.buffer, v.buffer, o.buffer, lse.buffer];
  if (BH * T > 0 && useSubgroups(D)) {
    dispatch(kernel(`attention-forward-subgroup:${D}`, () => attentionForwardSubgroupWgsl(D)), uniforms, buffers, subgroupGrid(BH, T));
  } else if (BH * T > 0) dispatch(kernel('attention-forward', attentionForwardWgsl), uniforms, buffers, grid1d(BH * T, 64));
  return record('causalAttention', [q, k, v], {}, o, [lse]);
}

/** [dq, dk, dv] from the upstream gradient, the inputs, the output and the saved lse. */
export function causalAttentionBackward(g: Tensor, q: Tensor, k: Tensor, v: Tensor, o: Tensor, lse: Tensor): Tensor[] {
  const [BH, T, D] = dims(q);
  const delta = new Tensor([BH, T]);
  const dq = new Tensor(q.shape);
  const dk = new Tensor(q.shape);
  const dv = new Tensor(q.shape);
  const uniforms = [u32(BH), u32(T), u32(D), f32(1 / Math.sqrt(D))];
  const forQ = [q.buffer, k.buffer, v.buffer, o.buffer, g.buffer, lse.buffer, delta.buffer, dq.buffer];
  const forKV = [q.buffer, k.buffer, v.buffer, g.buffer, lse.buffer, delta.buffer, dk.buffer, dv.buffer];
  if (BH * T > 0 && useSubgroups(D)) {
    const grid = subgroupGrid(BH, T);
    dispatch(kernel(`attention-back-q-subgroup:${D}`, () => attentionBackwardQuerySubgroupWgsl(D)), uniforms, forQ, grid);
    dispatch(kernel(`attention-back-kv-subgroup:${D}`, () => attentionBackwardKeyValueSubgroupWgsl(D)), uniforms, forKV, grid);
  } else if (BH * T > 0) {
    const grid = grid1d(BH * T, 64);
    dispatch(kernel('attention-back-q', attentionBackwardQueryWgsl), uniforms, forQ, grid);
    dispatch(kernel('attention-back-kv', attentionBackwardKeyValueWgsl), uniforms, forKV, grid);
  }
  delta.dispose();
  return [dq, dk, dv];
}
