/**
 * Comparisons over seeds: Welch's and the paired t against float64 hand computations (t density
 * integrated numerically, quantiles by bisection), the exact permutation and sign-flip p against
 * brute-force enumerations in python3 (itertools), and the no-spread cases.
 */
import { describe, expect, it } from 'vitest';
import { compare, comparePaired, describeComparison, lowerVerdict, permutationP, signFlipP, t95 } from './stats.js';

describe('compare', () => {
  it("Welch's t: the difference, its 95% CI and p as computed by hand, and the exact permutation p", () => {
    const c = compare([1, 2, 3, 4], [3, 4, 5, 6, 7]);
    // By hand in float64 (t density integrated numerically): s² 1.6667 and 2.5, se² = 0.91667,
    // Welch df = 6.9808, t = −2.6112, p = 0.034939, t(0.975, df) = 2.365945.
    expect(c.difference).toBeCloseTo(-2.5, 12);
    expect(c.pValue!).toBeCloseTo(0.034939, 5);
    expect(c.ci![0]).toBeCloseTo(-4.765220, 5);
    expect(c.ci![1]).toBeCloseTo(-2.5 + 2.265220, 5);
    expect(c.test).toBe("Welch's t");
    expect(c.exactP).toBeCloseTo(7 / 126, 12); // python3: 7 of the C(9, 4) = 126 splits are as extreme
    expect(c.paired).toBeUndefined();
    expect(lowerVerdict(c)).toBe('holds');
    expect(describeComparison(c)).toBe("-2.5000 (95% CI [-4.7652, -0.2348]), Welch's t p = 0.0349, 4 vs 5 seeds");
  });

  it('every seed agreeing on each side (up to rounding): no CI, the exact permutation p', () => {
    const widths = [Math.log10(31.6 / 1), Math.log10(316 / 10), Math.log10(3.16 / 0.1)]; // 1.4997 three times, not bit-equal
    const c = compare([0, 0, 0], widths);
    expect(c.ci).toBeNull();
    expect(c.pValue).toBeCloseTo(2 / 20, 12); // python3: 2 of the C(6, 3) = 20 splits separate the values
    expect(c.exactP).toBe(c.pValue);
    expect(c.test).toBe('exact permutation (no spread)');
    expect(lowerVerdict(c)).toBe('inconclusive at this scale'); // 3 vs 3 seeds cannot reach p < 0.05
    expect(describeComparison(c, 'decades')).toBe('-1.4997 decades, exact permutation (no spread) p = 0.1000, 3 vs 3 seeds');
  });

  it('no spread: unequal sizes, large sides, and equal values', () => {
    expect(compare([1, 1], [2, 2, 2]).pValue).toBeCloseTo(1 / 10, 12); // python3: 1 of 10 splits
    const six = compare(Array(6).fill(1), Array(6).fill(2)); // python3: 2 of 924
    expect(six.pValue).toBeCloseTo(2 / 924, 12);
    expect(lowerVerdict(six)).toBe('holds');
    expect(lowerVerdict(compare(Array(6).fill(2), Array(6).fill(1)))).toBe('does not hold');
    expect(compare(Array(20).fill(1), Array(20).fill(2)).pValue).toBeCloseTo(2 / 137846528820, 20); // C(40, 20)
    const same = compare([1, 1, 1], [1, 1, 1]);
    expect(same.pValue).toBe(1);
    expect(lowerVerdict(same)).toBe('inconclusive at this scale');
  });

  it('one seed a side has no test', () => {
    const c = compare([1], [2]);
    expect(c.ci).toBeNull();
    expect(c.pValue).toBeNull();
    expect(c.exactP).toBeUndefined();
    expect(c.test).toBe('none (fewer than 2 seeds a side)');
    expect(lowerVerdict(c)).toBe('inconclusive at this scale');
  });
});

describe('comparePaired', () => {
  const a = [3.1, 2.9, 3.4, 3.0, 3.3];
  const b = [3.6, 3.1, 3.8, 2.9, 3.6];

  it('paired t on d = a − b: mean, 95% CI and p as computed by hand, and the exact sign-flip p', () => {
    const c = comparePaired(a, b);
    // By hand (python3, float64): d = [−0.5, −0.2, −0.4, 0.1, −0.3], mean −0.26, se 0.1029563,
    // t = −2.5253432 on 4 df, p = 0.0649859, t(0.975, 4) = 2.7764451.
    expect(c.difference).toBeCloseTo(-0.26, 12);
    expect(c.pValue!).toBeCloseTo(0.0649859, 6);
    expect(c.ci![0]).toBeCloseTo(-0.54585252, 6);
    expect(c.ci![1]).toBeCloseTo(0.02585252, 6);
    expect(c.exactP).toBeCloseTo(4 / 32, 12); // python3: 4 of 32 sign patterns
    expect(c.test).toBe('paired t');
    expect(c.paired).toBe(true);
    expect(c.a.mean).toBeCloseTo(3.14, 12);
    expect(c.b.mean).toBeCloseTo(3.4, 12);
    expect(lowerVerdict(c)).toBe('inconclusive at this scale');
    expect(describeComparison(c, 'nats')).toBe('-0.2600 nats (95% CI [-0.5459, 0.0259]), paired t p = 0.0650, 5 pairs');
  });

  it('no verdict rests on fewer than 3 seeds a side, however clear', () => {
    expect(lowerVerdict(comparePaired([1, 2], [2, 3.1]))).toBe('inconclusive at this scale');
    expect(lowerVerdict(compare([1, 1.1], [5, 5.1, 5.2]))).toBe('inconclusive at this scale');
    expect(lowerVerdict(compare([1, 1.1, 1.2], [5, 5.1, 5.2]))).toBe('holds');
  });

  it('pairing removes the seed-to-seed spread that Welch cannot', () => {
    const x = [3.0, 3.5, 2.8, 3.9, 3.2];
    const y = x.map((v, i) => v + [0.1, 0.12, 0.09, 0.11, 0.1][i]!);
    expect(lowerVerdict(compare(x, y))).toBe('inconclusive at this scale');
    const c = comparePaired(x, y);
    expect(c.difference).toBeCloseTo(-0.104, 12);
    expect(lowerVerdict(c)).toBe('holds');
    expect(c.exactP).toBeCloseTo(2 / 32, 12); // every d < 0: only the two uniform sign patterns
  });

  it('no spread in d: no CI, the exact sign-flip p 2/2^n', () => {
    const five = comparePaired([1, 2, 3, 4, 5], [1.3, 2.3, 3.3, 4.3, 5.3]);
    expect(five.ci).toBeNull();
    expect(five.pValue).toBeCloseTo(2 / 32, 12); // python3: 2 of 32
    expect(five.test).toBe('exact sign-flip (no spread)');
    expect(lowerVerdict(five)).toBe('inconclusive at this scale');
    expect(describeComparison(five)).toBe('-0.3000, exact sign-flip (no spread) p = 0.0625, 5 pairs');
    const six = comparePaired([1, 2, 3, 4, 5, 6], [1.3, 2.3, 3.3, 4.3, 5.3, 6.3]);
    expect(six.pValue).toBeCloseTo(2 / 64, 12); // python3: 2 of 64
    expect(lowerVerdict(six)).toBe('holds');
    expect(lowerVerdict(comparePaired([1.3, 2.3, 3.3, 4.3, 5.3, 6.3], [1, 2, 3, 4, 5, 6]))).toBe('does not hold');
    expect(comparePaired([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
    expect(comparePaired(Array(30).fill(1), Array(30).fill(2)).pValue).toBe(2 / 2 ** 30);
  });

  it('fewer than 2 pairs has no test; unequal lengths throw', () => {
    const c = comparePaired([1], [2]);
    expect([c.ci, c.pValue, c.test]).toEqual([null, null, 'none (fewer than 2 pairs)']);
    expect(describeComparison(c)).toBe('-1.0000, 1 pairs');
    expect(() => comparePaired([1, 2], [1, 2, 3])).toThrow(/2 vs 3/);
  });
});

describe('exact tests', () => {
  it('permutationP matches a python3 enumeration and declines past C(24, 12) splits', () => {
    expect(permutationP([2.1, 3.5, 2.8, 4.0], [3.9, 4.4, 3.6, 5.0, 4.8])).toBeCloseTo(6 / 126, 12);
    expect(permutationP(Array(12).fill(0).map((_, i) => i), Array(12).fill(0).map((_, i) => i + 0.5))).toBeDefined();
    expect(permutationP(Array(13).fill(0).map((_, i) => i), Array(12).fill(0).map((_, i) => i))).toBeUndefined();
  });

  it('signFlipP matches a python3 enumeration and declines past 2^20 patterns', () => {
    expect(signFlipP([-0.5, -0.2, -0.4, 0.1, -0.3])).toBeCloseTo(4 / 32, 12);
    expect(signFlipP([1, -1])).toBe(1);
    expect(signFlipP(Array(21).fill(1))).toBeUndefined();
  });

  it('t95 is the Student t 0.975 quantile (bisection on the integrated density)', () => {
    expect(t95(1)).toBeCloseTo(12.7062047, 5);
    expect(t95(4)).toBeCloseTo(2.7764451, 6);
    expect(t95(10)).toBeCloseTo(2.2281389, 6);
  });
});
