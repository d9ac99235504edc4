/** rmsNorm(x, w) and layerNorm(x, w, b) over the last axis (see norm.wgsl.ts). */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { normBackwardInputWgsl, normBackwardParamsWgsl, normForwardWgsl } from './norm.wgsl.js';

export interface NormOptions {
  /** Added to the mean square before the square root. */
  readonly eps?: number;
}

function normForward(x: Tensor, w: Tensor, b: Tensor | undefined, eps: number): Tensor {
  const name = b ? 'layerNorm' : 'rmsNorm';
  assertF32(x, name);
  const C = x.shape[x.ndim - 1] ?? 0;
  if (w.ndim !== 1 || w.shape[0] !== C || (b && (b.ndim !== 1 || b.shape[0] !== C))) {
    throw new RangeError(`${name}: weight${b ? ' and bias' : ''} must have shape [${C}] for input ${shapeStr(x.shape)}.`);
  }
  const rows = C === 0 ? 0 : x.size / C;
  const y = new Tensor(x.shape);
  const stats = new Tensor([rows, 2]);
  const uniforms = [u32(rows), u32(C), f32(eps), u32(b ? 1 : 0)];
  const buffers = [x.buffer, w.buffer, (b ?? w).buffer, y.buffer, stats.buffer];
  if (rows > 0) dispatch(kernel('norm-forward', normForwardWgsl), uniforms, buffers, grid1d(rows, 64));
  const inputs = b ? [x, w, b] : [x, w];
  return record('norm', inputs, { eps }, y, [stats]);
}

/** y = x / sqrt(mean(x²) + eps) ⊙ w (Zhang & Sennrich 2019). */
export const rmsNorm = (x: Tensor, w: Tensor, { eps = 1e-6 }: NormOptions = {}): Tensor => normForward(x, w, undefined, eps);
/** y = (x − mean) / sqrt(var + eps) ⊙ w + b (Ba et al. 2016). */
export const layerNorm = (x: Tensor, w: Tensor, b: Tensor, { eps = 1e-5 }: NormOptions = {}): Tensor => normForward(x, w, b, eps);

/** [dx, dw, db?] for the norm recorded with inputs [x, w, b?] and saved stats. */
export function normBackward(g: Tensor, x: Tensor, w: Tensor, centered: boolean, stats: Tensor): Tensor[] {
  const C = x.shape[x.ndim - 1]!;
  const rows = x.size / C;
  const dx = new Tensor(x.shape);
  const dw = new Tensor([C]);
  const db = new Tensor([C]);
  const uniforms = [u32(rows), u32(C), f32(0), u32(centered ? 1 : 0)];
  dispatch(kernel('norm-back-x', normBackwardInputWgsl), uniforms, [g.buffer, x.buffer, w.buffer, stats.buffer, dx.buffer], grid1d(rows, 64));
  dispatch(kernel('norm-back-w', normBackwardParamsWgsl), uniforms, [g.buffer, x.buffer, stats.buffer, dw.buffer, db.buffer], grid1d(C, 64));
  return centered ? [dx, dw, db] : [dx, dw];
}
