/** Float64 reference: mean cross-entropy over non-ignored targets. */
export function crossEntropyRef(logits: ArrayLike<number>, targets: ArrayLike<number>, V: number, ignoreIndex = -100): number {
  let total = 0;
  let count = 0;
  for (let r = 0; r < targets.length; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex || t < 0 || t >= V) continue;
    let m = -Infinity;
    for (let j = 0; j < V; j++) m = Math.max(m, logits[r * V + j]!);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[r * V + j]! - m);
    total += m + Math.log(s) - logits[r * V + t]!;
    count++;
  }
  return total / Math.max(count, 1);
}
