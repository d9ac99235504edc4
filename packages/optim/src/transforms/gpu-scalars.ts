/**
 * Small helpers for optimizers whose step sizes depend on norms and inner products (Shampoo,
 * MuonH, MuonMax, Momo). Every value stays a GPU scalar tensor of shape [] — no readback.
 */
import { add as addT, mul, sqrt, sumAll, tensor, type Tensor } from '@optimlab/tensor-wgpu';

/** ⟨a, b⟩ over all elements, shape []. */
export const inner = (a: Tensor, b: Tensor): Tensor => sumAll(mul(a, b));
/** ‖a‖_F, shape []. */
export const frobenius = (a: Tensor): Tensor => sqrt(inner(a, a));
/** Σ of GPU scalars. */
export const sumScalars = (xs: readonly Tensor[]): Tensor => xs.reduce((acc, x) => addT(acc, x));


/** The n×n identity. */
export function eye(n: number): Tensor {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return tensor(data, [n, n]);
}
