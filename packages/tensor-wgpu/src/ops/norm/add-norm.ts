/** addRmsNorm: the residual sum (with dropout on the branch) and the RMSNorm after it, in one kernel. */
import { recordMulti } from '../../autodiff/record.js';
import { dispatch, kernel, type UniformValue } from '../../runtime.js';
import { Tensor, sameShape, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { fill } from '../elementwise/elementwise.js';
import { splitSeed } from '../random/philox.ref.js';
import type { DropoutOptions } from '../dropout/dropout.js';
import { normBackwardParamsWgsl } from './norm.wgsl.js';
import { addRmsNormBackwardWgsl, addRmsNormWgsl } from './add-norm.wgsl.js';

export interface AddRmsNormOptions {
  /** Added to the mean square before the square root. */
  readonly eps?: number;
  /** Dropout on the branch before the sum (none when absent or p = 0). */
  readonly dropout?: DropoutOptions | undefined;
}

interface AddNormAttrs {
  readonly eps: number;
  readonly dropout: DropoutOptions | null;
}

/**
 * [sum, normed]: sum = x + dropout(branch) and normed = sum / sqrt(mean(sum²) + eps) ⊙ w over the
 * last axis, the same numbers as add, dropout and rmsNorm apart. Differentiable in x, branch and w.
 */
export function addRmsNorm(x: Tensor, branch: Tensor, w: Tensor, { eps = 1e-6, dropout }: AddRmsNormOptions = {}): [Tensor, Tensor] {
  assertF32(x, 'addRmsNorm');
  assertF32(branch, 'addRmsNorm');
  const C = x.shape[x.ndim - 1] ?? 0;
  if (!sameShape(x.shape, branch.shape) || w.ndim !== 1 || w.shape[0] !== C) {
    throw new RangeError(`addRmsNorm: needs x and branch of one shape and a weight of their last axis, got ${shapeStr(x.shape)}, ${shapeStr(branch.shape)}, ${shapeStr(w.shape)}.`);
  }
  if (dropout && !(dropout.p >= 0 && dropout.p < 1)) throw new RangeError(`addRmsNorm: dropout p must be in [0, 1), got ${dropout.p}.`);
  const attrs: AddNormAttrs = { eps, dropout: dropout && dropout.p > 0 ? dropout : null };
  const rows = C === 0 ? 0 : x.size / C;
  const outs: [Tensor, Tensor] = [new Tensor(x.shape), new Tensor(x.shape)];
  const stats = new Tensor([rows, 2]);
  if (rows > 0) {
    dispatch(kernel('add-rms-norm', addRmsNormWgsl), uniformsOf(rows, C, attrs, false), [x.buffer, branch.buffer, w.buffer, outs[0].buffer, outs[1].buffer, stats.buffer], grid1d(rows, 64));
  }
  // Backward reads the sum: a view of it is saved, so it outlives the output's own disposal.
  recordMulti('addRmsNorm', [x, branch, w], attrs, outs, [stats, outs[0].view(x.shape)]);
  return outs;
}

function uniformsOf(rows: number, C: number, { eps, dropout }: AddNormAttrs, withGs: boolean): UniformValue[] {
  const [lo, hi] = splitSeed(dropout?.seed ?? 0);
  return [u32(rows), u32(C), f32(eps), u32(withGs ? 1 : 0), u32(lo), u32(hi), u32(dropout?.stream ?? 0), f32(dropout?.p ?? 0), u32(dropout ? 1 : 0)];
}

/** [dx, dbranch, dw] from the gradients of [sum, normed] (either may be null). */
export function addRmsNormBackward(gs: ReadonlyArray<Tensor | null>, sum: Tensor, w: Tensor, stats: Tensor, attrs: AddNormAttrs): Tensor[] {
  const C = sum.shape[sum.ndim - 1]!;
  const rows = C === 0 ? 0 : sum.size / C;
  if (rows === 0) return [fill(sum.shape, 0), fill(sum.shape, 0), fill([C], 0)];
  const gSum = gs[0];
  const gy = gs[1] ?? fill(sum.shape, 0);
  const dx = new Tensor(sum.shape);
  const dbranch = attrs.dropout ? new Tensor(sum.shape) : dx;
  const dw = new Tensor([C]);
  const unusedDb = new Tensor([C]);
  const normUniforms = [u32(rows), u32(C), f32(0), u32(0)];
  // Without dropout dbranch is dx (the tape hands each input its own view); the kernel then
  // writes no dbranch, and a spare buffer stands in its binding.
  const buffers = [(gSum ?? gy).buffer, gy.buffer, sum.buffer, w.buffer, stats.buffer, dx.buffer, (attrs.dropout ? dbranch : unusedDb).buffer];
  dispatch(kernel('add-rms-norm-back', addRmsNormBackwardWgsl), uniformsOf(rows, C, attrs, gSum !== null), buffers, grid1d(rows, 64));
  dispatch(kernel('norm-back-w', normBackwardParamsWgsl), normUniforms, [gy.buffer, sum.buffer, stats.buffer, dw.buffer, unusedDb.buffer], grid1d(C, 64));
  return [dx, dbranch, dw];
}
