/**
 * causalAttention(q, k, v): softmax(q·kᵀ/√D + causal mask)·v over (..., T, D), fused
 * (see attention.wgsl.ts). Heads are leading dims: pass (B, H, T, D). With `mergeHeads` the
 * output is (B, T, H·D) instead, the heads side by side as an output projection reads them, written
 * so by the kernel (no transpose). Kernels: ATTENTION_KERNELS.
 */
import { record } from '../../autodiff/record.js';
import { gpuSync } from '../../device.js';
import type { PooledBuffer } from '../../buffer.js';
import { dispatch, kernel, type UniformValue } from '../../runtime.js';
import { Tensor, sameShape, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { currentMatmulVariant } from '../matmul/matmul.js';
import { attentionBackwardKeyValueSubgroupWgsl, attentionBackwardQuerySubgroupWgsl, attentionForwardSubgroupWgsl } from './attention-subgroup.wgsl.js';
import { MAX_HEAD_DIM, attentionBackwardKeyValueWgsl, attentionBackwardQueryWgsl, attentionForwardWgsl } from './attention.wgsl.js';
import { MAX_SUBGROUP_HEAD_DIM } from '../limits.js';
import { pickKernel, type KernelRow } from '../variants.js';

const subgroupGrid = (BH: number, T: number): [number, number, number] => [Math.ceil(T / 8), BH, 1];

/** One attention call as the kernels see it: which pass, sizes, uniforms and buffers. */
interface AttentionProblem {
  readonly pass: 'forward' | 'backward';
  readonly BH: number;
  readonly T: number;
  readonly D: number;
  readonly uniforms: readonly UniformValue[];
  /** forward: [q, k, v, o, lse]; backward: [for dq], [for dk, dv]. */
  readonly buffers: readonly (readonly PooledBuffer[])[];
}

/**
 * The attention kernels in order of preference. The subgroup kernels are unrolled per D (D % 4 = 0,
 * D ≤ MAX_SUBGROUP_HEAD_DIM: lavapipe took ~60 s to compile them at D = 128); the generic ones
 * take any D ≤ MAX_HEAD_DIM under every variant.
 */
export const ATTENTION_KERNELS: readonly KernelRow<AttentionProblem>[] = [
  {
    name: 'subgroup',
    serves: ['subgroup'],
    eligible: ({ D }) => D % 4 === 0 && D <= MAX_SUBGROUP_HEAD_DIM,
    dispatch: ({ pass, BH, T, D, uniforms, buffers }) => {
      const grid = subgroupGrid(BH, T);
      if (pass === 'forward') {
        dispatch(kernel(`attention-forward-subgroup:${D}`, () => attentionForwardSubgroupWgsl(D)), uniforms, buffers[0]!, grid);
        return;
      }
      dispatch(kernel(`attention-back-q-subgroup:${D}`, () => attentionBackwardQuerySubgroupWgsl(D)), uniforms, buffers[0]!, grid);
      dispatch(kernel(`attention-back-kv-subgroup:${D}`, () => attentionBackwardKeyValueSubgroupWgsl(D)), uniforms, buffers[1]!, grid);
    },
  },
  {
    name: 'generic',
    serves: ['register', 'subgroup', 'tiled'],
    eligible: ({ D }) => D <= MAX_HEAD_DIM,
    dispatch: ({ pass, BH, T, uniforms, buffers }) => {
      const grid = grid1d(BH * T, 64);
      if (pass === 'forward') {
        dispatch(kernel('attention-forward', attentionForwardWgsl), uniforms, buffers[0]!, grid);
        return;
      }
      dispatch(kernel('attention-back-q', attentionBackwardQueryWgsl), uniforms, buffers[0]!, grid);
      dispatch(kernel('attention-back-kv', attentionBackwardKeyValueWgsl), uniforms, buffers[1]!, grid);
    },
  },
];

function run(problem: AttentionProblem): void {
  if (problem.BH * problem.T > 0) pickKernel('causalAttention', ATTENTION_KERNELS, currentMatmulVariant(gpuSync()), problem).dispatch(problem);
}

function dims(q: Tensor): [number, number, number] {
  const D = q.shape[q.ndim - 1]!;
  const T = q.shape[q.ndim - 2]!;
  return [q.size / (T * D), T, D];
}

export interface AttentionOptions {
  /** Output (..., T, H·D) from q, k, v of (..., H, T, D): the heads merged per position. */
  readonly mergeHeads?: boolean;
}

/** Heads per merged output row (1: the output keeps q's layout). */
const headsOf = (q: Tensor, mergeHeads: boolean): number => (mergeHeads ? q.shape[q.ndim - 3]! : 1);

export function causalAttention(q: Tensor, k: Tensor, v: Tensor, { mergeHeads = false }: AttentionOptions = {}): Tensor {
  for (const t of [q, k, v]) assertF32(t, 'causalAttention');
  if (q.ndim < 2 || !sameShape(q.shape, k.shape) || !sameShape(q.shape, v.shape)) {
    throw new RangeError(`causalAttention: q, k, v must share one (..., T, D) shape, got ${[q, k, v].map((t) => shapeStr(t.shape)).join(', ')}.`);
  }
  if (mergeHeads && q.ndim < 3) throw new RangeError(`causalAttention: mergeHeads needs (..., H, T, D), got ${shapeStr(q.shape)}.`);
  const [BH, T, D] = dims(q);
  if (D > MAX_HEAD_DIM) throw new RangeError(`causalAttention: head dim ${D} exceeds ${MAX_HEAD_DIM}.`);
  const H = headsOf(q, mergeHeads);
  const o = new Tensor(mergeHeads ? [...q.shape.slice(0, -3), T, H * D] : q.shape);
  const lse = new Tensor([BH, T]);
  const uniforms = [u32(BH), u32(T), u32(D), f32(1 / Math.sqrt(D)), u32(H)];
  run({ pass: 'forward', BH, T, D, uniforms, buffers: [[q.buffer, k.buffer, v.buffer, o.buffer, lse.buffer]] });
  return record('causalAttention', [q, k, v], { mergeHeads }, o, [lse]);
}

/** [dq, dk, dv] from the upstream gradient, the inputs, the output and the saved lse (g and o in the output's layout). */
export function causalAttentionBackward(g: Tensor, q: Tensor, k: Tensor, v: Tensor, o: Tensor, lse: Tensor, mergeHeads: boolean): Tensor[] {
  const [BH, T, D] = dims(q);
  const delta = new Tensor([BH, T]);
  const dq = new Tensor(q.shape);
  const dk = new Tensor(q.shape);
  const dv = new Tensor(q.shape);
  const uniforms = [u32(BH), u32(T), u32(D), f32(1 / Math.sqrt(D)), u32(headsOf(q, mergeHeads))];
  const forQ = [q.buffer, k.buffer, v.buffer, o.buffer, g.buffer, lse.buffer, delta.buffer, dq.buffer];
  const forKV = [q.buffer, k.buffer, v.buffer, g.buffer, lse.buffer, delta.buffer, dk.buffer, dv.buffer];
  run({ pass: 'backward', BH, T, D, uniforms, buffers: [forQ, forKV] });
  delta.dispose();
  return [dq, dk, dv];
}
