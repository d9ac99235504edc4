/** Float64 reference of combineExperts: out[n] = Σ_j gates[n, j] · ys[position[n·k + j]]. */
export function combineExpertsRef(ys: ArrayLike<number>, gates: ArrayLike<number>, position: ArrayLike<number>, N: number, k: number, d: number): Float64Array {
  const out = new Float64Array(N * d);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < k; j++) {
      const s = n * k + j;
      const row = position[s]!;
      for (let c = 0; c < d; c++) out[n * d + c] = out[n * d + c]! + gates[s]! * ys[row * d + c]!;
    }
  }
  return out;
}
