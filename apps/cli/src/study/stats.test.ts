/** Comparisons over seeds: Welch's t against a float64 hand computation, and the no-spread case. */
import { describe, expect, it } from 'vitest';
import { compare, describeComparison, lowerVerdict } from './stats.js';

describe('compare', () => {
  it("Welch's t: the difference, its 95% CI and p as computed by hand", () => {
    const c = compare([1, 2, 3, 4], [3, 4, 5, 6, 7]);
    // By hand in float64 (t density integrated numerically): s² 1.6667 and 2.5, se² = 0.91667,
    // Welch df = 6.9808, t = −2.6112, p = 0.034939, t(0.975, df) = 2.365945.
    expect(c.difference).toBeCloseTo(-2.5, 12);
    expect(c.pValue!).toBeCloseTo(0.034939, 5);
    expect(c.ci![0]).toBeCloseTo(-4.765220, 5);
    expect(c.ci![1]).toBeCloseTo(-2.5 + 2.265220, 5);
    expect(lowerVerdict(c)).toBe('holds');
  });

  it('every seed agreeing on each side (up to rounding) is an exact difference with no p-value', () => {
    const widths = [Math.log10(31.6 / 1), Math.log10(316 / 10), Math.log10(3.16 / 0.1)]; // 1.4997 three times, not bit-equal
    const c = compare([0, 0, 0], widths);
    expect(c.ci).toEqual([c.difference, c.difference]);
    expect(c.pValue).toBeNull();
    expect(lowerVerdict(c)).toBe('holds');
    expect(describeComparison(c, 'decades')).toBe('-1.4997 decades (95% CI [-1.4997, -1.4997]), no spread: every seed agrees on each side, 3 vs 3 seeds');
  });

  it('one seed a side has no test', () => {
    const c = compare([1], [2]);
    expect(c.ci).toBeNull();
    expect(lowerVerdict(c)).toBe('inconclusive at this scale');
  });
});
