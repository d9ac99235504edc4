/** Float64 reference: top-k per row, descending, ties by lower index. */
export function topkRef(x: ArrayLike<number>, n: number, k: number): { values: Float64Array; indices: Int32Array } {
  const rows = x.length / n;
  const values = new Float64Array(rows * k);
  const indices = new Int32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => x[r * n + b]! - x[r * n + a]! || a - b);
    for (let s = 0; s < k; s++) {
      indices[r * k + s] = order[s]!;
      values[r * k + s] = x[r * n + order[s]!]!;
    }
  }
  return { values, indices };
}
