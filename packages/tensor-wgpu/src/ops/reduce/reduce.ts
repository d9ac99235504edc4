/**
 * Reductions over an axis (sum, mean, max), full reductions, and `sumToShape` (the adjoint of
 * broadcasting, used by every broadcasting VJP).
 */
import type { ReduceOp } from '../../autodiff/op-attrs.js';
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, type Shape, sameShape, shapeStr } from '../../tensor.js';
import { assertF32, f32, grid1d, normAxis, prod, u32 } from '../common.js';
import { type ReduceKind, reduceGroupWgsl, reduceThreadWgsl } from './reduce.wgsl.js';

export type { ReduceOp };

function reduceRaw(kind: ReduceKind, x: Tensor, axis: number, scale: number): Tensor {
  const outer = prod(x.shape.slice(0, axis));
  const n = x.shape[axis]!;
  const inner = prod(x.shape.slice(axis + 1));
  const outShape = x.shape.filter((_, d) => d !== axis);
  const out = new Tensor(outShape);
  const uniforms = [u32(outer), u32(n), u32(inner), f32(scale)];
  const outputs = outer * inner;
  if (n >= 256) {
    dispatch(kernel(`reduce-group:${kind}`, () => reduceGroupWgsl(kind)), uniforms, [x.buffer, out.buffer], grid1d(outputs, 1));
  } else {
    dispatch(kernel(`reduce-thread:${kind}`, () => reduceThreadWgsl(kind)), uniforms, [x.buffer, out.buffer], grid1d(outputs, 64));
  }
  return out;
}

/** Reduces `axis` (negative counts from the end); `keepDims` leaves it as size 1. */
export function reduce(op: ReduceOp, x: Tensor, axis: number, { keepDims = false } = {}): Tensor {
  assertF32(x, op);
  const a = normAxis(axis, x.ndim, op);
  const n = x.shape[a]!;
  if (n === 0) throw new RangeError(`${op}: cannot reduce an empty axis of ${shapeStr(x.shape)}.`);
  const raw = reduceRaw(op === 'max' ? 'max' : 'sum', x, a, op === 'mean' ? 1 / n : 1);
  const out = keepDims ? raw.view(x.shape.map((d, i) => (i === a ? 1 : d))) : raw;
  if (keepDims) raw.dispose();
  return record('reduce', [x], { op, axis: a, keepDims }, out);
}

export const sum = (x: Tensor, axis: number, options?: { keepDims?: boolean }): Tensor => reduce('sum', x, axis, options);
export const mean = (x: Tensor, axis: number, options?: { keepDims?: boolean }): Tensor => reduce('mean', x, axis, options);
export const max = (x: Tensor, axis: number, options?: { keepDims?: boolean }): Tensor => reduce('max', x, axis, options);

/** Sum (or mean) of every element, as a tensor of shape []. */
export function sumAll(x: Tensor): Tensor {
  return reduce('sum', reshapeFlat(x), 0);
}
export function meanAll(x: Tensor): Tensor {
  return reduce('mean', reshapeFlat(x), 0);
}

function reshapeFlat(x: Tensor): Tensor {
  return record('reshape', [x], { shape: x.shape }, x.view([x.size]));
}

/** Sums g over the axes along which `shape` was broadcast to g's shape (not recorded). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  let cur = g;
  const lead = g.ndim - shape.length;
  for (let d = g.ndim - 1; d >= 0; d--) {
    const target = d < lead ? 1 : shape[d - lead]!;
    if (target === 1 && cur.shape[d] !== 1) {
      const next = reduceRaw('sum', cur, d, 1);
      const kept = next.view(cur.shape.map((v, i) => (i === d ? 1 : v)));
      next.dispose();
      if (cur !== g) cur.dispose();
      cur = kept;
    }
  }
  const out = cur.view(shape);
  if (cur !== g) cur.dispose();
  if (prod([...shape]) !== out.size) throw new RangeError(`sumToShape: ${shapeStr(g.shape)} → ${shapeStr(shape)}`);
  return out;
}
