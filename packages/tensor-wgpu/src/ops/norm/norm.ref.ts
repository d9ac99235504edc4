/** Float64 references: RMSNorm and LayerNorm over the last axis. */
export function normRef(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | undefined, C: number, eps: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    let mu = 0;
    if (b) {
      for (let j = 0; j < C; j++) mu += x[r * C + j]!;
      mu /= C;
    }
    let ss = 0;
    for (let j = 0; j < C; j++) ss += (x[r * C + j]! - mu) ** 2;
    const rstd = 1 / Math.sqrt(ss / C + eps);
    for (let j = 0; j < C; j++) out[r * C + j] = (x[r * C + j]! - mu) * rstd * w[j]! + (b ? b[j]! : 0);
  }
  return out;
}
