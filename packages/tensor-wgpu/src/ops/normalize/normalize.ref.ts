/** Float64 reference for normalizeMatrices: each (rows, cols) matrix over ‖·‖_F·scale + eps. */
export function normalizeMatricesRef(x: ArrayLike<number>, count: number, { scale = 1, eps = 1e-7 } = {}): Float64Array {
  const out = new Float64Array(x.length);
  const per = x.length / count;
  for (let m = 0; m < count; m++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += x[m * per + i]! ** 2;
    const d = Math.sqrt(s) * scale + eps;
    for (let i = 0; i < per; i++) out[m * per + i] = x[m * per + i]! / d;
  }
  return out;
}
