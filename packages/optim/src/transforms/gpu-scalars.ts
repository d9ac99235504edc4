/**
 * Small helpers for optimizers whose step sizes depend on norms and inner products (Shampoo,
 * MuonH, MuonMax, Momo). Every value stays on the GPU (shape [], or one per matrix) — no readback.
 */
import { add as addT, mul, reduce, reshape, sqrt, sumAll, tensor, type Tensor } from '@optimlab/tensor-wgpu';

/** ⟨a, b⟩ over all elements, shape []. */
export const inner = (a: Tensor, b: Tensor): Tensor => sumAll(mul(a, b));
/** ‖a‖_F, shape []. */
export const frobenius = (a: Tensor): Tensor => sqrt(inner(a, a));
/**
 * ‖·‖_F of each matrix: shape [] for a matrix (m, n), (E, 1, 1) for a stack (E, m, n), so that it
 * broadcasts over its slices.
 */
export function matrixNorms(a: Tensor): Tensor {
  if (a.ndim !== 3) return frobenius(a);
  const e = a.shape[0]!;
  const flat = reshape(a, [e, a.size / e]); // (E, m·n)
  return reshape(sqrt(reduce('sum', mul(flat, flat), 1)), [e, 1, 1]);
}
/** Σ of GPU scalars. */
export const sumScalars = (xs: readonly Tensor[]): Tensor => xs.reduce((acc, x) => addT(acc, x));


/** The n×n identity. */
export function eye(n: number): Tensor {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return tensor(data, [n, n]);
}
