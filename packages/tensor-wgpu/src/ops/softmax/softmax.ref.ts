/** Float64 references: softmax and log-softmax over the last axis. */
export function softmaxRef(x: ArrayLike<number>, n: number, log = false): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x[r * n + j]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x[r * n + j]! - m);
    for (let j = 0; j < n; j++) {
      const v = x[r * n + j]! - m;
      out[r * n + j] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return out;
}
