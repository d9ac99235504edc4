/** qkvHeads: split a fused q/k/v projection into heads, with RoPE on q and k, in one kernel (heads.wgsl.ts). */
import { recordMulti } from '../../autodiff/record.js';
import { dispatch, kernel, type UniformValue } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { qkvHeadsBackwardWgsl, qkvHeadsWgsl } from './heads.wgsl.js';

export interface QkvHeadsOptions {
  readonly heads: number;
  /** Rotate q and k (RoPE, interleaved pairs) with this θ base; none when absent. */
  readonly rope?: { readonly base?: number; readonly offset?: number };
}

/**
 * x (B, T, 3·H·D), channels ordered (which, head, j) → [q, k, v], each (B, H, T, D); D even.
 * Differentiable; q, k and v share one backward kernel.
 */
export function qkvHeads(x: Tensor, { heads: H, rope }: QkvHeadsOptions): [Tensor, Tensor, Tensor] {
  assertF32(x, 'qkvHeads');
  const [B, T, C] = x.shape as [number, number, number];
  const D = C / (3 * H);
  if (x.ndim !== 3 || !Number.isInteger(H) || H < 1 || !Number.isInteger(D) || D % 2 !== 0) {
    throw new RangeError(`qkvHeads: needs x (batch, T, 3·heads·D) with D even, got ${shapeStr(x.shape)} for ${H} heads.`);
  }
  const attrs = { heads: H, rotate: rope !== undefined, base: rope?.base ?? 10000, offset: rope?.offset ?? 0 };
  const outs: [Tensor, Tensor, Tensor] = [new Tensor([B, H, T, D]), new Tensor([B, H, T, D]), new Tensor([B, H, T, D])];
  const pairs = x.size / 2;
  if (pairs > 0) dispatch(kernel('qkv-heads', qkvHeadsWgsl), uniformsOf(x, attrs, 0), [x.buffer, ...outs.map((t) => t.buffer)], grid1d(pairs));
  recordMulti('qkvHeads', [x], attrs, outs);
  return outs;
}

interface HeadsAttrs {
  readonly heads: number;
  readonly rotate: boolean;
  readonly base: number;
  readonly offset: number;
}

function uniformsOf(x: Tensor, { heads, rotate, base, offset }: HeadsAttrs, present: number): UniformValue[] {
  const [, T, C] = x.shape as [number, number, number];
  return [u32(x.size / 2), u32(T), u32(heads), u32(C / (3 * heads)), f32(base), u32(offset), u32(rotate ? 1 : 0), u32(present)];
}

/** dx for the gradients of q, k, v (null: none). */
export function qkvHeadsBackward(gs: ReadonlyArray<Tensor | null>, x: Tensor, attrs: HeadsAttrs): Tensor {
  const dx = new Tensor(x.shape);
  const present = gs.reduce((bits, g, j) => (g ? bits | (1 << j) : bits), 0);
  const stand = gs.find((g) => g)!; // bound where a gradient is missing, never read
  if (x.size > 0) dispatch(kernel('qkv-heads-back', qkvHeadsBackwardWgsl), uniformsOf(x, attrs, present), [...gs.map((g) => (g ?? stand).buffer), dx.buffer], grid1d(x.size / 2));
  return dx;
}
