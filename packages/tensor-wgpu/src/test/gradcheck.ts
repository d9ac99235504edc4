/**
 * Checks one op end to end: GPU forward vs its float64 reference, and (for differentiable ops) the
 * tape's VJP vs central finite differences of the reference: d/dx Σ g ⊙ f_ref(x), g random.
 */
import { expect } from 'vitest';
import { tensor } from '../creation.js';
import { backward } from '../autodiff/tape.js';
import { requireGrad } from '../autodiff/record.js';
import { scopeAsync, type Tensor } from '../tensor.js';
import { randomArray } from './random.js';

export interface OpInput {
  readonly shape: readonly number[];
  /** Defaults to uniform in [-1, 1). */
  readonly data?: ArrayLike<number>;
  /** An i32 input (indices, targets): no gradient. */
  readonly int?: boolean;
  /** An f32 input the op has no gradient for (a condition or mask). */
  readonly constant?: boolean;
}

export interface OpCheck {
  readonly inputs: readonly OpInput[];
  readonly gpu: (ts: Tensor[]) => Tensor;
  readonly ref: (xs: Float64Array[]) => ArrayLike<number>;
  /** Check the VJP too (default true). */
  readonly grad?: boolean;
  readonly rtol?: number;
  readonly atol?: number;
  readonly seed?: number;
}

const H = 1e-6;

export function inputData(inputs: readonly OpInput[], seed: number): Float64Array[] {
  return inputs.map((inp, k) => {
    const n = inp.shape.reduce((a, b) => a * b, 1);
    return inp.data ? Float64Array.from(inp.data) : randomArray(n, seed * 31 + k);
  });
}

function weightedSum(y: ArrayLike<number>, g: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]! * g[i]!;
  return s;
}

/** Central differences of Σ g ⊙ ref(xs) with respect to xs[k]. */
export function finiteDifference(ref: OpCheck['ref'], xs: Float64Array[], k: number, g: ArrayLike<number>): Float64Array {
  const x = xs[k]!;
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const keep = x[i]!;
    x[i] = keep + H;
    const up = weightedSum(ref(xs), g);
    x[i] = keep - H;
    const down = weightedSum(ref(xs), g);
    x[i] = keep;
    out[i] = (up - down) / (2 * H);
  }
  return out;
}

/** max |a − b| / max |b|: the relative error the issue bounds by 1e-3. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

export async function checkOp({ inputs, gpu, ref, grad = true, rtol = 1e-4, atol = 1e-5, seed = 1 }: OpCheck): Promise<void> {
  const xs = inputData(inputs, seed);
  await scopeAsync(async () => {
    const ts = inputs.map((inp, k) => {
      const t = tensor(xs[k]!, inp.shape, inp.int ? 'i32' : 'f32');
      return grad && !inp.int && !inp.constant ? requireGrad(t) : t;
    });
    const y = gpu(ts);
    const expected = ref(xs);
    expect(await y.read()).toBeAllclose(expected, { rtol, atol });
    if (!grad) return;
    const g = randomArray(y.size, seed + 999);
    backward(y, tensor(g, y.shape));
    for (let k = 0; k < inputs.length; k++) {
      if (inputs[k]!.int || inputs[k]!.constant) continue;
      const fd = finiteDifference(ref, xs, k, g);
      const got = await ts[k]!.grad!.read();
      const err = relativeError(got, fd);
      expect(err, `gradient of input ${k}: relative error ${err.toExponential(2)}`).toBeLessThan(1e-3);
    }
  });
}
