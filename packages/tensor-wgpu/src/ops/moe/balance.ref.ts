/** Float64 reference of balanceLoss: scale · Σ_e f_e · (1/N) Σ_n probs[n, e]. */
export function balanceLossRef(probs: ArrayLike<number>, fraction: ArrayLike<number>, scale: number): Float64Array {
  const E = fraction.length;
  const N = probs.length / E;
  let acc = 0;
  for (let n = 0; n < N; n++) for (let e = 0; e < E; e++) acc += probs[n * E + e]! * fraction[e]!;
  return Float64Array.of((scale * acc) / N);
}
