/** Float64 reference: interleaved-pair rotary embedding over (..., T, D). */
export function ropeRef(x: ArrayLike<number>, T: number, D: number, base = 10000, offset = 0): Float64Array {
  const out = new Float64Array(x.length);
  for (let row = 0; row < x.length / D; row++) {
    const t = (row % T) + offset;
    for (let i = 0; i < D / 2; i++) {
      const theta = t * base ** ((-2 * i) / D);
      const [a, b] = [x[row * D + 2 * i]!, x[row * D + 2 * i + 1]!];
      out[row * D + 2 * i] = a * Math.cos(theta) - b * Math.sin(theta);
      out[row * D + 2 * i + 1] = a * Math.sin(theta) + b * Math.cos(theta);
    }
  }
  return out;
}
