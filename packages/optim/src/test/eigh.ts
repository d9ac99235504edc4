/** Symmetric eigendecomposition by cyclic Jacobi (float64): A = V diag(λ) Vᵀ. */
export function eigh(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = m[p * n + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < n; k++) {
        const mkp = m[k * n + p]!, mkq = m[k * n + q]!;
        m[k * n + p] = c * mkp - s * mkq;
        m[k * n + q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < n; k++) {
        const mpk = m[p * n + k]!, mqk = m[q * n + k]!;
        m[p * n + k] = c * mpk - s * mqk;
        m[q * n + k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
        v[k * n + p] = c * vkp - s * vkq;
        v[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => m[i * n + i]!), vectors: v };
}

/** A^power for symmetric positive definite A. */
export function matrixPower(a: ArrayLike<number>, n: number, power: number): Float64Array {
  const { values, vectors } = eigh(a, n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let k = 0; k < n; k++) acc += vectors[i * n + k]! * values[k]! ** power * vectors[j * n + k]!;
    out[i * n + j] = acc;
  }
  return out;
}
