/** Float64 reference for batched matmul with optional transposes (plain triple loop). */
export function matmulRef(
  a: ArrayLike<number>, aShape: readonly number[],
  b: ArrayLike<number>, bShape: readonly number[],
  { transA = false, transB = false } = {},
): Float64Array {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const N = transB ? br : bc;
  const aBatch = aShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const bBatch = bShape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batch = Math.max(aBatch, bBatch);
  const out = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    const ao = aBatch === 1 ? 0 : t * ar * ac;
    const bo = bBatch === 1 ? 0 : t * br * bc;
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) {
          const av = a[ao + (transA ? k * ac + m : m * ac + k)]!;
          const bv = b[bo + (transB ? n * bc + k : k * bc + n)]!;
          acc += av * bv;
        }
        out[(t * M + m) * N + n] = acc;
      }
    }
  }
  return out;
}

/** Float64 reference for matmulAdd: α·op(a)·op(b) + β·d. */
export function matmulAddRef(
  a: ArrayLike<number>, aShape: readonly number[],
  b: ArrayLike<number>, bShape: readonly number[],
  d: ArrayLike<number>,
  { transA = false, transB = false, alpha = 1, beta = 1 } = {},
): Float64Array {
  const out = matmulRef(a, aShape, b, bShape, { transA, transB });
  for (let i = 0; i < out.length; i++) out[i] = alpha * out[i]! + beta * d[i]!;
  return out;
}
