/**
 * Float64 references: row gather and scatter-add by index; index m names row ⌊idx[m] / divisor⌋
 * (negative indices and rows out of range: zeros / dropped).
 */
const rowOf = (i: number, divisor: number): number => (i < 0 ? -1 : Math.floor(i / divisor));

export function gatherRowsRef(x: ArrayLike<number>, N: number, C: number, idx: ArrayLike<number>, divisor = 1): Float64Array {
  const out = new Float64Array(idx.length * C);
  for (let m = 0; m < idx.length; m++) {
    const r = rowOf(idx[m]!, divisor);
    if (r < 0 || r >= N) continue;
    for (let c = 0; c < C; c++) out[m * C + c] = x[r * C + c]!;
  }
  return out;
}

export function scatterAddRowsRef(src: ArrayLike<number>, C: number, idx: ArrayLike<number>, N: number, divisor = 1): Float64Array {
  const out = new Float64Array(N * C);
  for (let m = 0; m < idx.length; m++) {
    const r = rowOf(idx[m]!, divisor);
    if (r < 0 || r >= N) continue;
    for (let c = 0; c < C; c++) out[r * C + c] = out[r * C + c]! + src[m * C + c]!;
  }
  return out;
}
