/** Singular values of a small (r, c) matrix: square roots of the eigenvalues of XXᵀ (Jacobi). */
export function singularValues(x: Float64Array, r: number, c: number): number[] {
  const n = Math.min(r, c);
  // Gram matrix of the shorter side.
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    if (r <= c) for (let k = 0; k < c; k++) acc += x[i * c + k]! * x[j * c + k]!;
    else for (let k = 0; k < r; k++) acc += x[k * c + i]! * x[k * c + j]!;
    g[i * n + j] = acc;
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = g[p * n + q]!;
      off += apq * apq;
      if (Math.abs(apq) < 1e-15) continue;
      const theta = (g[q * n + q]! - g[p * n + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const cs = 1 / Math.sqrt(t * t + 1);
      const sn = t * cs;
      for (let k = 0; k < n; k++) {
        const gkp = g[k * n + p]!;
        const gkq = g[k * n + q]!;
        g[k * n + p] = cs * gkp - sn * gkq;
        g[k * n + q] = sn * gkp + cs * gkq;
      }
      for (let k = 0; k < n; k++) {
        const gpk = g[p * n + k]!;
        const gqk = g[q * n + k]!;
        g[p * n + k] = cs * gpk - sn * gqk;
        g[q * n + k] = sn * gpk + cs * gqk;
      }
    }
    if (off < 1e-24) break;
  }
  return Array.from({ length: n }, (_, i) => Math.sqrt(Math.max(0, g[i * n + i]!)));
}
