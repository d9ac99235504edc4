/**
 * Shape ops: reshape (a view, no copy), transpose (any permutation), slice along an axis, concat.
 * Copies go through one strided gather kernel; the adjoints (pad, split) through a strided scatter.
 * A slice or concat along the leading non-trivial axis moves contiguous ranges: buffer copies in
 * queue order, no kernel.
 */
import { record } from '../../autodiff/record.js';
import { copyBuffer, dispatch, kernel } from '../../runtime.js';
import { Tensor, type Shape, shapeStr } from '../../tensor.js';
import { contiguousStrides, grid1d, normAxis, u32 } from '../common.js';
import { collapseDims, fill } from '../elementwise/elementwise.js';
import { MAX_RANK } from '../elementwise/elementwise.wgsl.js';
import { stridedCopyWgsl } from './layout.wgsl.js';

/**
 * The strided walk in its cheapest form: size-1 dims dropped and runs that are contiguous on both
 * sides merged (a transpose of (B, T, H, D) to (B, H, T, D) keeps 4 dims; a slice of rows keeps 1 or
 * 2); then, when the innermost run is contiguous and everything is a multiple of 4, counted in vec4s.
 */
function stridedPlan(n: number, dims: readonly number[], strides: readonly number[], offset: number) {
  const collapsed = collapseDims(dims, [strides]);
  const ds = collapsed.dims;
  const ss = collapsed.strides[0]!;
  if (ds.length > MAX_RANK) throw new RangeError(`rank ${ds.length} exceeds ${MAX_RANK}`);
  const inner = ds.length - 1;
  const vec4 = ss[inner] === 1 && ds[inner]! % 4 === 0 && offset % 4 === 0 && ss.every((st, i) => i === inner || st % 4 === 0);
  const w = vec4 ? 4 : 1;
  if (vec4) {
    ds[inner] = ds[inner]! / 4;
    for (let i = 0; i < inner; i++) ss[i] = ss[i]! / 4;
  }
  const pad = MAX_RANK - ds.length;
  const uniforms = [n / w, ...new Array<number>(pad).fill(1), ...ds, ...new Array<number>(pad).fill(0), ...ss, offset / w, ds.length].map(u32);
  return { uniforms, vec4, threads: n / w };
}

const elementType = (dtype: 'f32' | 'i32', vec4: boolean): string => (vec4 ? `vec4<${dtype}>` : dtype);

/** out (contiguous, shape dims) = x read with `strides` from `offset`. Not recorded. */
export function gatherStrided(x: Tensor, dims: readonly number[], strides: readonly number[], offset: number): Tensor {
  const out = new Tensor(dims, x.dtype);
  if (out.size > 0) {
    const plan = stridedPlan(out.size, dims, strides, offset);
    const type = elementType(x.dtype, plan.vec4);
    dispatch(kernel(`gather-strided:${type}`, () => stridedCopyWgsl(type, 'gather')), plan.uniforms, [x.buffer, out.buffer], grid1d(plan.threads));
  }
  return out;
}

/** Writes contiguous x into `into` at `strides` from `offset`. Not recorded. */
export function scatterStrided(into: Tensor, x: Tensor, strides: readonly number[], offset: number): void {
  if (x.size === 0) return;
  const plan = stridedPlan(x.size, x.shape, strides, offset);
  const type = elementType(x.dtype, plan.vec4);
  dispatch(kernel(`scatter-strided:${type}`, () => stridedCopyWgsl(type, 'scatter')), plan.uniforms, [x.buffer, into.buffer], grid1d(plan.threads));
}

/** Same data, new shape (one dim may be -1). Shares storage. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const resolved = shape.map((d) => (d === -1 ? x.size / known : d));
  const size = resolved.reduce((a, b) => a * b, 1);
  if (size !== x.size || !resolved.every(Number.isInteger)) {
    throw new RangeError(`reshape: cannot view ${shapeStr(x.shape)} (${x.size} elements) as ${shapeStr(shape)}.`);
  }
  return record('reshape', [x], { shape: x.shape }, x.view(resolved));
}

/** Permutes axes (default: reverse them). */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.ndim - 1 - i);
  if (p.length !== x.ndim || new Set(p).size !== x.ndim || p.some((d) => d < 0 || d >= x.ndim)) {
    throw new RangeError(`transpose: [${p.join(', ')}] is not a permutation of ${x.ndim} axes.`);
  }
  const strides = contiguousStrides(x.shape);
  const out = gatherStrided(x, p.map((d) => x.shape[d]!), p.map((d) => strides[d]!), 0);
  return record('transpose', [x], { perm: p }, out);
}

/** Whether every dim before `axis` is 1, so a range along it is contiguous. */
const leadingAxis = (shape: Shape, axis: number): boolean => shape.slice(0, axis).every((d) => d === 1);

/** A new tensor of `dims` holding x's elements [offset, offset + size) (a buffer copy). */
function copyRange(x: Tensor, dims: readonly number[], offset: number): Tensor {
  const out = new Tensor(dims, x.dtype);
  if (out.size > 0) copyBuffer(x.buffer, offset * 4, out.buffer, 0, out.size * 4);
  return out;
}

/** x[..., start:end, ...] along `axis`. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const a = normAxis(axis, x.ndim, 'slice');
  const n = x.shape[a]!;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
    throw new RangeError(`slice: [${start}, ${end}) is outside axis ${a} of ${shapeStr(x.shape)}.`);
  }
  const strides = contiguousStrides(x.shape);
  const dims = x.shape.map((d, i) => (i === a ? end - start : d));
  const out = leadingAxis(x.shape, a) ? copyRange(x, dims, start * strides[a]!) : gatherStrided(x, dims, strides, start * strides[a]!);
  return record('slice', [x], { axis: a, start, inputShape: x.shape }, out);
}

/** Zero tensor of `shape` with g written at [start, start + g.shape[axis]) along `axis` (slice's adjoint). */
export function padAlong(g: Tensor, shape: Shape, axis: number, start: number): Tensor {
  const out = fill(shape, 0);
  const strides = contiguousStrides(shape);
  scatterStrided(out, g, strides, start * strides[axis]!);
  return out;
}

/** Joins tensors along `axis` (all other dims equal). */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  if (!first) throw new RangeError('concat: needs at least one tensor.');
  const a = normAxis(axis, first.ndim, 'concat');
  for (const x of xs) {
    if (x.ndim !== first.ndim || x.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new RangeError(`concat: ${shapeStr(x.shape)} does not match ${shapeStr(first.shape)} outside axis ${a}.`);
    }
  }
  const sizes = xs.map((x) => x.shape[a]!);
  const shape = first.shape.map((d, i) => (i === a ? sizes.reduce((p, q) => p + q, 0) : d));
  const out = new Tensor(shape, first.dtype);
  const strides = contiguousStrides(shape);
  let at = 0;
  for (const x of xs) {
    if (leadingAxis(shape, a)) {
      if (x.size > 0) copyBuffer(x.buffer, 0, out.buffer, at * strides[a]! * 4, x.size * 4);
    } else scatterStrided(out, x, strides, at * strides[a]!);
    at += x.shape[a]!;
  }
  return record('concat', xs, { axis: a, sizes }, out);
}
