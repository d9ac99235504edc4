/** softmax / logSoftmax over the last axis (see softmax.wgsl.ts). */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { assertF32, grid1d, u32 } from '../common.js';
import { softmaxBackwardWgsl, softmaxForwardWgsl } from './softmax.wgsl.js';

function rowsOf(x: Tensor): [number, number] {
  const n = x.shape[x.ndim - 1] ?? 1;
  return [n === 0 ? 0 : x.size / n, n];
}

function forward(x: Tensor, log: boolean): Tensor {
  assertF32(x, log ? 'logSoftmax' : 'softmax');
  const [rows, n] = rowsOf(x);
  const y = new Tensor(x.shape);
  if (rows > 0) dispatch(kernel(`softmax:${log}`, () => softmaxForwardWgsl(log)), [u32(rows), u32(n)], [x.buffer, y.buffer], grid1d(rows, 64));
  return record(log ? 'logSoftmax' : 'softmax', [x], {}, y);
}

export const softmax = (x: Tensor): Tensor => forward(x, false);
export const logSoftmax = (x: Tensor): Tensor => forward(x, true);

/** The VJP of softmax (log = false) or log-softmax (log = true) given its output y. */
export function softmaxBackward(g: Tensor, y: Tensor, log: boolean): Tensor {
  const [rows, n] = rowsOf(y);
  const dx = new Tensor(y.shape);
  if (rows > 0) dispatch(kernel(`softmax-back:${log}`, () => softmaxBackwardWgsl(log)), [u32(rows), u32(n)], [g.buffer, y.buffer, dx.buffer], grid1d(rows, 64));
  return dx;
}
