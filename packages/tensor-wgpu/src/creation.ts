/** Tensors from CPU data and constants. */
import { Tensor, type DType, type Shape, shapeStr } from './tensor.js';
import { upload } from './runtime.js';
import { fill } from './ops/elementwise/elementwise.js';

/** A tensor from numbers (copied to the GPU). `shape` defaults to [data.length]. */
export function tensor(data: ArrayLike<number>, shape: Shape = [data.length], dtype: DType = 'f32'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new RangeError(`tensor: ${data.length} values do not fill shape ${shapeStr(shape)} (${size}).`);
  const t = new Tensor(shape, dtype);
  if (size > 0) upload(t.buffer, dtype === 'f32' ? Float32Array.from(data) : Int32Array.from(data));
  return t;
}

export const zeros = (shape: Shape, dtype: DType = 'f32'): Tensor => fill(shape, 0, dtype);
export const ones = (shape: Shape): Tensor => fill(shape, 1);
export const full = (shape: Shape, value: number): Tensor => fill(shape, value);
