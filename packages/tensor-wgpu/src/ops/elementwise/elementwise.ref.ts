/** Float64 references for the elementwise ops (plain loops). */
import type { BinaryFn, UnaryFn } from './elementwise.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const GELU_C = Math.sqrt(2 / Math.PI);

export const UNARY_REF: { [K in UnaryFn]: (x: number, p: number) => number } = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  sign: Math.sign,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => Math.max(x, 0),
  silu: (x) => x * sigmoid(x),
  gelu: (x) => 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x ** 3))),
  square: (x) => x * x,
  scale: (x, p) => x * p,
  shift: (x, p) => x + p,
  powScalar: (x, p) => x ** p,
};

export const BINARY_REF: { [K in BinaryFn]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  minimum: Math.min,
};

export function unaryRef(fn: UnaryFn, x: ArrayLike<number>, p = 0): Float64Array {
  return Float64Array.from(x, (v) => UNARY_REF[fn](v, p));
}

/** out = f(inputs...) with NumPy broadcasting. */
export function broadcastRef(f: (...v: number[]) => number, inputs: { data: ArrayLike<number>; shape: readonly number[] }[]): Float64Array {
  const rank = Math.max(...inputs.map((t) => t.shape.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) out.push(Math.max(...inputs.map((t) => t.shape[t.shape.length - rank + d] ?? 1)));
  const size = out.reduce((a, b) => a * b, 1);
  const result = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const coords: number[] = [];
    let rem = i;
    for (let d = rank - 1; d >= 0; d--) {
      coords[d] = rem % out[d]!;
      rem = Math.floor(rem / out[d]!);
    }
    const args = inputs.map((t) => {
      let at = 0;
      const off = rank - t.shape.length;
      for (let d = 0; d < t.shape.length; d++) at = at * t.shape[d]! + (t.shape[d] === 1 ? 0 : coords[d + off]!);
      return t.data[at]!;
    });
    result[i] = f(...args);
  }
  return result;
}
