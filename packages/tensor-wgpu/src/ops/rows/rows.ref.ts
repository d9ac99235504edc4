/** Float64 references: row gather and scatter-add by index (out-of-range rows: zeros / dropped). */
export function gatherRowsRef(x: ArrayLike<number>, N: number, C: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * C);
  for (let m = 0; m < idx.length; m++) {
    const r = idx[m]!;
    if (r < 0 || r >= N) continue;
    for (let c = 0; c < C; c++) out[m * C + c] = x[r * C + c]!;
  }
  return out;
}

export function scatterAddRowsRef(src: ArrayLike<number>, C: number, idx: ArrayLike<number>, N: number): Float64Array {
  const out = new Float64Array(N * C);
  for (let m = 0; m < idx.length; m++) {
    const r = idx[m]!;
    if (r < 0 || r >= N) continue;
    for (let c = 0; c < C; c++) out[r * C + c] = out[r * C + c]! + src[m * C + c]!;
  }
  return out;
}
