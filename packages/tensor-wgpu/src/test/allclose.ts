/** |a − e| ≤ atol + rtol·|e| elementwise, with a message naming the worst element. */
export function allclose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): { ok: boolean; message: string } {
  if (actual.length !== expected.length) return { ok: false, message: `length ${actual.length} ≠ ${expected.length}` };
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const excess = Number.isNaN(a) !== Number.isNaN(e) ? Infinity : Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worstExcess || (Number.isNaN(excess) && worst < 0)) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst < 0) return { ok: true, message: 'allclose' };
  return {
    ok: false,
    message: `not allclose (rtol ${rtol}, atol ${atol}): at [${worst}] got ${actual[worst]}, expected ${expected[worst]}`,
  };
}
