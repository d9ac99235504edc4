/**
 * gatherRows / scatterAddRows (differentiable, each the other's adjoint) and `embedding`, which is
 * gatherRows of the weight table by token ids.
 */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, u32 } from '../common.js';
import { fill } from '../elementwise/elementwise.js';
import { SCATTER_VEC4_LANES, gatherRowsWgsl, scatterAddRowsVec4Wgsl, scatterAddRowsWgsl } from './rows.wgsl.js';

function rowsShape(x: Tensor, op: string): [number, number] {
  if (x.ndim < 1) throw new RangeError(`${op}: needs a tensor of rows, got a scalar.`);
  const N = x.shape[0]!;
  return [N, N === 0 ? 0 : x.size / N];
}

export interface RowIndexOptions {
  /**
   * Index m names row ⌊idx[m] / divisor⌋ (default 1). MoE slots are numbered token·k + choice,
   * so a divisor of k reads (or adds into) the slot's token row without repeating rows k times.
   */
  readonly divisor?: number;
}

function divisorOf(options: RowIndexOptions, op: string): number {
  const { divisor = 1 } = options;
  if (!Number.isInteger(divisor) || divisor < 1) throw new RangeError(`${op}: the index divisor must be a positive integer, got ${divisor}.`);
  return divisor;
}

/** out[m, ...] = x[idx[m] / divisor, ...]; idx is i32 of any shape (out: idx.shape + x.shape[1:]). */
export function gatherRows(x: Tensor, idx: Tensor, options: RowIndexOptions = {}): Tensor {
  assertF32(x, 'gatherRows');
  assertI32(idx, 'gatherRows');
  const divisor = divisorOf(options, 'gatherRows');
  const [N, C] = rowsShape(x, 'gatherRows');
  const out = new Tensor([...idx.shape, ...x.shape.slice(1)]);
  const M = idx.size;
  if (M * C > 0) dispatch(kernel('gather-rows', gatherRowsWgsl), [M, C, N, divisor].map(u32), [x.buffer, idx.buffer, out.buffer], grid1d(M * C));
  return record('gatherRows', [x, idx], { rows: N, divisor }, out);
}

/** out (N, ...) = Σ over m of src[m, ...] added into row idx[m] / divisor (rows not hit stay 0). */
export function scatterAddRows(src: Tensor, idx: Tensor, rows: number, options: RowIndexOptions = {}): Tensor {
  assertF32(src, 'scatterAddRows');
  assertI32(idx, 'scatterAddRows');
  const divisor = divisorOf(options, 'scatterAddRows');
  const M = idx.size;
  const C = M === 0 ? src.size : src.size / M;
  if (src.shape[0] !== M && !(idx.ndim > 1 && src.size === M * C)) {
    throw new RangeError(`scatterAddRows: ${M} indices do not match source rows ${shapeStr(src.shape)}.`);
  }
  const shape = [rows, ...src.shape.slice(idx.ndim)];
  // The kernels zero every output row they own; only an empty scatter needs a fill.
  const out = M * C > 0 && rows > 0 ? new Tensor(shape) : fill(shape, 0);
  const buffers = [src.buffer, idx.buffer, out.buffer];
  if (M * C > 0 && C % 4 === 0 && rows > 0) {
    // Enough workgroups to keep a few threads busy: column groups × row stripes ≥ 8.
    const groups = Math.ceil(C / 4 / SCATTER_VEC4_LANES);
    const stripes = Math.min(rows, Math.ceil(8 / groups));
    dispatch(kernel('scatter-add-rows-vec4', scatterAddRowsVec4Wgsl), [M, C, rows, divisor, stripes].map(u32), buffers, [groups, stripes]);
  } else if (M * C > 0) dispatch(kernel('scatter-add-rows', scatterAddRowsWgsl), [M, C, rows, divisor].map(u32), buffers, grid1d(C, 64));
  return record('scatterAddRows', [src, idx], { rows, divisor }, out);
}

/** Token embedding: weight (V, C), ids i32 (...) → (..., C). */
export function embedding(weight: Tensor, ids: Tensor): Tensor {
  if (weight.ndim !== 2) throw new RangeError(`embedding: weight must be (vocab, dim), got ${shapeStr(weight.shape)}.`);
  return gatherRows(weight, ids);
}
