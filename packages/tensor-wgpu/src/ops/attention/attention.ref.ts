/** Float64 reference: causal softmax(q kᵀ/√D) v per (batch·head), plain loops. */
export function causalAttentionRef(q: ArrayLike<number>, k: ArrayLike<number>, v: ArrayLike<number>, T: number, D: number): Float64Array {
  const out = new Float64Array(q.length);
  const scale = 1 / Math.sqrt(D);
  for (let h = 0; h < q.length / (T * D); h++) {
    const o = h * T * D;
    for (let i = 0; i < T; i++) {
      const s: number[] = [];
      for (let j = 0; j <= i; j++) {
        let acc = 0;
        for (let d = 0; d < D; d++) acc += q[o + i * D + d]! * k[o + j * D + d]!;
        s.push(acc * scale);
      }
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < D; d++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += (e[j]! / z) * v[o + j * D + d]!;
        out[o + i * D + d] = acc;
      }
    }
  }
  return out;
}
