/**
 * Statistics for study comparisons: mean ± sample std over seeds, and Welch's two-sample t-test
 * (unequal variances; @stdlib/stats-ttest2) with the 95% confidence interval of the difference of
 * means. A comparison with fewer than two seeds on a side has no test and says so; one where every
 * seed agrees on each side has no test either, and its difference is exact.
 */
import ttest2 from '@stdlib/stats-ttest2';

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  readonly std: number;
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const std = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { n, mean, std };
}

export interface Comparison {
  readonly a: Summary;
  readonly b: Summary;
  /** mean(a) − mean(b). */
  readonly difference: number;
  /** 95% CI of the difference (Welch), or null with fewer than 2 seeds a side. */
  readonly ci: readonly [number, number] | null;
  readonly pValue: number | null;
  readonly test: string;
}

export function compare(a: readonly number[], b: readonly number[]): Comparison {
  const [sa, sb] = [summarize(a), summarize(b)];
  const difference = sa.mean - sb.mean;
  if (a.length < 2 || b.length < 2) return { a: sa, b: sb, difference, ci: null, pValue: null, test: 'none (fewer than 2 seeds a side)' };
  // Every seed gives the same value on each side (up to rounding: e.g. LR ranges on a log grid):
  // no t-test is defined; the difference is what every seed shows.
  const noise = 1e-9 * Math.max(1, Math.abs(sa.mean), Math.abs(sb.mean));
  if (sa.std <= noise && sb.std <= noise) return { a: sa, b: sb, difference, ci: [difference, difference], pValue: null, test: 'no spread: every seed agrees on each side' };
  const r = ttest2(a as number[], b as number[], { alpha: 0.05, variance: 'unequal' });
  return { a: sa, b: sb, difference, ci: [r.ci[0]!, r.ci[1]!], pValue: r.pValue, test: "Welch's t" };
}

export type Verdict = 'holds' | 'does not hold' | 'inconclusive at this scale';

/**
 * "a is lower than b" (losses, times): holds when the CI of a − b lies below 0, does not hold when
 * it lies above 0, otherwise inconclusive.
 */
export function lowerVerdict(c: Comparison): Verdict {
  if (!c.ci) return 'inconclusive at this scale';
  if (c.ci[1] < 0) return 'holds';
  if (c.ci[0] > 0) return 'does not hold';
  return 'inconclusive at this scale';
}

export const f4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
export const pm = (s: Summary): string => (s.n > 1 ? `${f4(s.mean)} ± ${f4(s.std)}` : f4(s.mean));

/** "−0.123 (95% CI [−0.2, −0.05]), Welch's t p = 0.003, 5 vs 5 seeds", with the unit after the difference when given. */
export function describeComparison(c: Comparison, unit?: string): string {
  const ci = c.ci ? ` (95% CI [${f4(c.ci[0])}, ${f4(c.ci[1])}])` : '';
  const p = c.pValue !== null ? `, ${c.test} p = ${c.pValue < 1e-4 ? c.pValue.toExponential(1) : c.pValue.toFixed(4)}` : c.ci ? `, ${c.test}` : '';
  return `${c.difference >= 0 ? '+' : ''}${f4(c.difference)}${unit ? ` ${unit}` : ''}${ci}${p}, ${c.a.n} vs ${c.b.n} seeds`;
}
