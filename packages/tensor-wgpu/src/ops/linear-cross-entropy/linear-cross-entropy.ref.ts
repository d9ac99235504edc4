/**
 * Float64 reference of the fused LM head + cross-entropy: logits = h · Wᵀ row by row (the whole
 * (N, V) matrix never needs to exist here either), then the mean CE over counted rows, the summed
 * loss, and how many rows' argmax (the first maximum) equals the target.
 */
export interface LinearCrossEntropyRefResult {
  readonly loss: number;
  readonly lossSum: number;
  readonly correct: number;
  readonly count: number;
}

/** h (N, d), w (V, d), targets (N); rows whose target is `ignoreIndex` or outside [0, V) are not counted. */
export function linearCrossEntropyRef(h: ArrayLike<number>, w: ArrayLike<number>, targets: ArrayLike<number>, d: number, ignoreIndex = -100): LinearCrossEntropyRefResult {
  const V = w.length / d;
  const logits = new Float64Array(V);
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (let r = 0; r < targets.length; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex || t < 0 || t >= V) continue;
    let m = -Infinity;
    let argmax = 0;
    for (let j = 0; j < V; j++) {
      let acc = 0;
      for (let i = 0; i < d; i++) acc += h[r * d + i]! * w[j * d + i]!;
      logits[j] = acc;
      if (acc > m) {
        m = acc;
        argmax = j;
      }
    }
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[j]! - m);
    lossSum += m + Math.log(s) - logits[t]!;
    if (argmax === t) correct++;
    count++;
  }
  return { loss: lossSum / Math.max(count, 1), lossSum, correct, count };
}
