/**
 * Elementwise ops: unary functions (with a scalar parameter p where one makes sense), binary
 * arithmetic with NumPy broadcasting, comparisons and `where`. Each unary function carries its
 * derivative so the VJP is one fused kernel.
 */
import { record } from '../../autodiff/record.js';
import { gpuSync } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, type Shape, sameShape } from '../../tensor.js';
import { assertF32, broadcastShapes, broadcastStrides, f32, grid1d, u32 } from '../common.js';
import { BINARY, COMPARE, UNARY, type BinaryFn, type CompareFn, type UnaryFn } from './functions.js';
import { GRID3_WG, MAX_RANK, addInPlaceWgsl, fillWgsl, naryBroadcastWgsl, naryGrid3Wgsl, naryVec4Wgsl, unaryGradWgsl, unaryWgsl } from './elementwise.wgsl.js';

export { BINARY, UNARY };
export type { BinaryFn, CompareFn, UnaryFn };

const vec4Count = (n: number): number => Math.ceil(n / 4);

export function unary(fn: UnaryFn, x: Tensor, p = 0): Tensor {
  assertF32(x, fn);
  const y = new Tensor(x.shape);
  const n4 = vec4Count(x.size);
  dispatch(kernel(`unary:${fn}`, () => unaryWgsl(UNARY[fn].f)), [u32(n4), f32(p)], [x.buffer, y.buffer], grid1d(n4));
  return record('unary', [x], { fn, p }, y);
}

/** g · f'(x) for the unary op that produced y (used by its VJP). */
export function unaryGrad(fn: UnaryFn, g: Tensor, x: Tensor, y: Tensor, p: number): Tensor {
  const dx = new Tensor(x.shape);
  const n4 = vec4Count(x.size);
  const k = kernel(`unary-grad:${fn}`, () => unaryGradWgsl(UNARY[fn].df));
  dispatch(k, [u32(n4), f32(p)], [g.buffer, x.buffer, y.buffer, dx.buffer], grid1d(n4));
  return dx;
}

/**
 * The broadcast walk with size-1 dims dropped and neighbours merged where every operand steps
 * through them contiguously ((n, r, c) / (n, 1, 1) becomes (n, r·c) / (n, 1)): the kernel then
 * divides by fewer dims, and each u32 div/mod is a scalar loop on lavapipe.
 */
export function collapseDims(shape: readonly number[], strides: readonly (readonly number[])[]): { dims: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((st, k) => out[k]![last] === st[i]! * d)) {
      dims[last] = dims[last]! * d;
      strides.forEach((st, k) => (out[k]![last] = st[i]!));
    } else {
      dims.push(d);
      strides.forEach((st, k) => out[k]!.push(st[i]!));
    }
  });
  if (dims.length === 0) {
    dims.push(1);
    out.forEach((o) => o.push(0));
  }
  return { dims, strides: out };
}

/** Runs `expr` over broadcast operands (vec4 fast path when every shape equals the output's). */
export function nary(name: string, expr: string, inputs: readonly Tensor[], outShape?: Shape): Tensor {
  for (const t of inputs) assertF32(t, name);
  const shape = outShape ?? broadcastShapes(name, ...inputs.map((t) => t.shape));
  if (shape.length > MAX_RANK) throw new RangeError(`${name}: rank ${shape.length} exceeds ${MAX_RANK}.`);
  const out = new Tensor(shape);
  const buffers = [...inputs.map((t) => t.buffer), out.buffer];
  if (inputs.every((t) => sameShape(t.shape, shape))) {
    const n4 = vec4Count(out.size);
    dispatch(kernel(`nary4:${inputs.length}:${expr}`, () => naryVec4Wgsl(inputs.length, expr)), [u32(n4)], buffers, grid1d(n4));
    return out;
  }
  const { dims, strides } = collapseDims(shape, inputs.map((t) => broadcastStrides(t.shape, shape)));
  const pad = MAX_RANK - dims.length;
  const uniforms = [u32(out.size), ...[...new Array<number>(pad).fill(1), ...dims].map(u32)];
  for (const st of strides) uniforms.push(...[...new Array<number>(pad).fill(0), ...st].map(u32));
  uniforms.push(u32(dims.length));
  const [d0 = 1, d1 = 1, d2 = 1] = [...new Array<number>(Math.max(0, 3 - dims.length)).fill(1), ...dims];
  const limit = gpuSync().limits.maxComputeWorkgroupsPerDimension;
  if (dims.length <= 3 && d0 <= limit && d1 <= limit && Math.ceil(d2 / GRID3_WG) <= limit) {
    dispatch(kernel(`nary3:${inputs.length}:${expr}`, () => naryGrid3Wgsl(inputs.length, expr)), uniforms, buffers, [Math.ceil(d2 / GRID3_WG), d1, d0]);
    return out;
  }
  dispatch(kernel(`naryb:${inputs.length}:${expr}`, () => naryBroadcastWgsl(inputs.length, expr)), uniforms, buffers, grid1d(out.size));
  return out;
}

export function binary(fn: BinaryFn, a: Tensor, b: Tensor): Tensor {
  return record('binary', [a, b], { fn }, nary(fn, BINARY[fn].f, [a, b]));
}

export function compare(fn: CompareFn, a: Tensor, b: Tensor): Tensor {
  return nary(fn, COMPARE[fn], [a, b]);
}

/** cond ≠ 0 ? a : b, with broadcasting. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  return record('where', [cond, a, b], {}, nary('where', 'select(c, b, a != T(0.0))', [cond, a, b]));
}

/** A copy of x broadcast to `shape` (gradient: sum back over the broadcast axes). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  broadcastShapes('broadcastTo', x.shape, shape);
  return record('broadcastTo', [x], { shape: x.shape }, nary('copy', 'a', [x], shape));
}

/** A fresh tensor filled with `value` (f32, or i32 bits when dtype is i32). */
export function fill(shape: Shape, value: number, dtype: 'f32' | 'i32' = 'f32'): Tensor {
  const out = new Tensor(shape, dtype);
  const bits = new DataView(new ArrayBuffer(4));
  if (dtype === 'f32') bits.setFloat32(0, value, true);
  else bits.setInt32(0, value, true);
  const n4 = vec4Count(out.size);
  dispatch(kernel('fill', fillWgsl), [u32(n4), u32(bits.getUint32(0, true))], [out.buffer], grid1d(n4));
  return out;
}

/** dst += src, in place (same shape; not recorded on the tape). */
export function addInPlace(dst: Tensor, src: Tensor): void {
  if (!sameShape(dst.shape, src.shape)) throw new RangeError('addInPlace: shapes differ');
  const n4 = vec4Count(dst.size);
  dispatch(kernel('add-in-place', addInPlaceWgsl), [u32(n4)], [src.buffer, dst.buffer], grid1d(n4));
}

/** A contiguous copy (not recorded). */
export function copy(x: Tensor): Tensor {
  return nary('copy', 'a', [x]);
}

// Friendly names.
export const add = (a: Tensor, b: Tensor): Tensor => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor): Tensor => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor): Tensor => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor): Tensor => binary('div', a, b);
export const pow = (a: Tensor, b: Tensor): Tensor => binary('pow', a, b);
export const maximum = (a: Tensor, b: Tensor): Tensor => binary('maximum', a, b);
export const minimum = (a: Tensor, b: Tensor): Tensor => binary('minimum', a, b);
export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
export const silu = (x: Tensor): Tensor => unary('silu', x);
export const gelu = (x: Tensor): Tensor => unary('gelu', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const mulScalar = (x: Tensor, s: number): Tensor => unary('scale', x, s);
export const addScalar = (x: Tensor, s: number): Tensor => unary('shift', x, s);
export const powScalar = (x: Tensor, s: number): Tensor => unary('powScalar', x, s);
