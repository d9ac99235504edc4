/**
 * Float64 references for linalg.ts, by other algorithms than the kernels: cyclic Jacobi in row
 * order (eigh), modified Gram–Schmidt (QR, R's diagonal positive), Rayleigh quotients sorted.
 * Matrices are row-major n × n.
 */

/** Eigenvalues (descending) and eigenvectors (columns, same order) of a symmetric matrix. */
export function eighRef(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += w[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = w[p * n + q]!;
        if (apq === 0) continue;
        const theta = (w[q * n + q]! - w[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        for (let i = 0; i < n; i++) {
          const [wp, wq] = [w[i * n + p]!, w[i * n + q]!];
          w[i * n + p] = c * wp - s * wq;
          w[i * n + q] = s * wp + c * wq;
          const [vp, vq] = [v[i * n + p]!, v[i * n + q]!];
          v[i * n + p] = c * vp - s * vq;
          v[i * n + q] = s * vp + c * vq;
        }
        for (let j = 0; j < n; j++) {
          const [wp, wq] = [w[p * n + j]!, w[q * n + j]!];
          w[p * n + j] = c * wp - s * wq;
          w[q * n + j] = s * wp + c * wq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => w[j * n + j]! - w[i * n + i]! || i - j);
  const values = Float64Array.from(order, (i) => w[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((col, r) => {
    for (let i = 0; i < n; i++) vectors[i * n + r] = v[i * n + col]!;
  });
  return { values, vectors };
}

/** Q of A = QR by modified Gram–Schmidt, twice, with R's diagonal positive (A of full rank). */
export function qrRef(a: ArrayLike<number>, n: number): Float64Array {
  let q = Float64Array.from(a);
  for (let pass = 0; pass < 2; pass++) {
    const x = Float64Array.from(q);
    for (let k = 0; k < n; k++) {
      let norm = 0;
      for (let i = 0; i < n; i++) norm += x[i * n + k]! ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) x[i * n + k] = x[i * n + k]! / norm;
      for (let j = k + 1; j < n; j++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += x[i * n + k]! * x[i * n + j]!;
        for (let i = 0; i < n; i++) x[i * n + j] = x[i * n + j]! - d * x[i * n + k]!;
      }
    }
    q = x;
  }
  return q;
}

/** The columns of q ordered by qᵢᵀLqᵢ, descending (ties by index). */
export function rayleighOrderRef(l: ArrayLike<number>, q: ArrayLike<number>, n: number): number[] {
  const est = Array.from({ length: n }, (_, c) => {
    let e = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) e += q[i * n + c]! * l[i * n + j]! * q[j * n + c]!;
    return e;
  });
  return Array.from({ length: n }, (_, i) => i).sort((i, j) => est[j]! - est[i]! || i - j);
}
