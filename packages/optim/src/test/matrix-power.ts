/** A^power for symmetric positive definite A, through the float64 eigendecomposition (tensor-wgpu's reference). */
import { eighRef } from '@optimlab/tensor-wgpu/testing';

export function matrixPower(a: ArrayLike<number>, n: number, power: number): Float64Array {
  const { values, vectors } = eighRef(a, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let k = 0; k < n; k++) acc += vectors[i * n + k]! * values[k]! ** power * vectors[j * n + k]!;
    out[i * n + j] = acc;
  }
  return out;
}
