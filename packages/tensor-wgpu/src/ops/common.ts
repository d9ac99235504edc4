/** Helpers shared by the op wrappers: dispatch grids, uniforms, shape checks and broadcasting. */
import { Tensor, type Shape, shapeStr } from '../tensor.js';
import type { UniformValue } from '../runtime.js';

export const u32 = (value: number): UniformValue => ({ u32: value >>> 0 });
export const i32 = (value: number): UniformValue => ({ i32: value | 0 });
export const f32 = (value: number): UniformValue => ({ f32: value });

/** Workgroups for `threads` invocations of a 1-D kernel of `size` lanes, folded into 2-D past 65535. */
export function grid1d(threads: number, size = 256): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / size));
  if (groups <= 65535) return [groups, 1];
  return [65535, Math.ceil(groups / 65535)];
}

/** The grid1d entry point's WGSL, defined with the rest of the kernel vocabulary. */
export { linearIndex, mainSignature } from './wgsl.js';

export function assertF32(t: Tensor, op: string): void {
  if (t.dtype !== 'f32') throw new TypeError(`${op}: expected an f32 tensor, got ${t.dtype} ${shapeStr(t.shape)}`);
}

export function assertI32(t: Tensor, op: string): void {
  if (t.dtype !== 'i32') throw new TypeError(`${op}: expected an i32 index tensor, got ${t.dtype} ${shapeStr(t.shape)}`);
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  return strides;
}

/** NumPy broadcasting of two shapes; throws naming both shapes when they do not broadcast. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1 && d !== 1 && v !== d) {
        throw new RangeError(`${op}: shapes ${shapes.map(shapeStr).join(' and ')} do not broadcast.`);
      }
      if (v !== 1) d = v;
    }
    out.push(d);
  }
  return out;
}

/** Strides to read `shape` as if broadcast to `outShape` (0 on broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = contiguousStrides(shape);
  const off = outShape.length - shape.length;
  return outShape.map((d, i) => (i < off || shape[i - off] === 1 ? 0 : strides[i - off]!));
}

/** Normalises a possibly negative axis. */
export function normAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new RangeError(`${op}: axis ${axis} is out of range for rank ${rank}.`);
  return a;
}

export function prod(xs: readonly number[]): number {
  return xs.reduce((a, b) => a * b, 1);
}
