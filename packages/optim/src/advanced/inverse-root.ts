/**
 * A^(−1/p) of a symmetric positive definite matrix by the coupled Newton iteration (Guo & Higham
 * 2006; the "matrix-only" root of Distributed Shampoo), so it runs as matmuls on the GPU:
 *   z = (1 + p) / (2‖A‖_F),  M₀ = zA,  H₀ = z^(1/p) I
 *   Mᵢ' = ((p + 1) I − Mᵢ) / p,  Mᵢ₊₁ = (Mᵢ')^p Mᵢ,  Hᵢ₊₁ = Hᵢ Mᵢ'   → H → A^(−1/p)
 * ‖A‖_F bounds the spectral norm, so zA has eigenvalues in (0, (1+p)/2] where the iteration converges.
 */
import { add, div, full, matmul, mul, mulScalar, powScalar, scope, sub, transpose, type Tensor } from '@optimlab/tensor-wgpu';
import { eye, frobenius } from '../transforms/gpu-scalars.js';

export function inverseRoot(a: Tensor, { p = 4, iterations = 30 }: { p?: number; iterations?: number } = {}): Tensor {
  if (a.ndim !== 2 || a.shape[0] !== a.shape[1]) throw new RangeError(`inverseRoot: needs a square matrix, got [${a.shape.join(', ')}].`);
  if (p !== 2 && p !== 4) throw new RangeError(`inverseRoot: p must be 2 or 4, got ${p}.`);
  const n = a.shape[0]!;
  return scope(() => {
    const identity = eye(n);
    const z = div(full([], (1 + p) / 2), frobenius(a)); // shape []
    let m = mul(a, z);
    let h = mul(identity, powScalar(z, 1 / p));
    for (let i = 0; i < iterations; i++) {
      const step = mulScalar(sub(mulScalar(identity, p + 1), m), 1 / p); // ((p+1)I − M)/p
      const step2 = matmul(step, step);
      const stepP = p === 4 ? matmul(step2, step2) : step2;
      m = matmul(stepP, m);
      h = matmul(h, step);
    }
    // Symmetrise away rounding drift.
    return mulScalar(add(h, transpose(h)), 0.5).keep();
  });
}

