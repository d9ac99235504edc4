/**
 * Statistics for study comparisons: mean ± sample std over seeds; Welch's two-sample t-test
 * (@stdlib/stats-ttest2) for independent seeds and the paired Student's t-test (@stdlib/stats-ttest)
 * for seed-matched pairs, each with the 95% confidence interval of the difference of means; and the
 * exact permutation tests beside them (every split of the pooled seeds; every sign flip of the paired
 * differences), which assume no normality and are the only test left when every seed agrees. With
 * fewer than two seeds a side there is no test, and the comparison says so. Claim-specific verdict
 * rules live with the claims; this file only knows "a is lower than b".
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import ttest from '@stdlib/stats-ttest';
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
  /** mean(a) − mean(b); for pairs, mean(a − b). */
  readonly difference: number;
  /** 95% t interval of the difference; null with fewer than 2 seeds (pairs) or with no spread. */
  readonly ci: readonly [number, number] | null;
  readonly pValue: number | null;
  /** "Welch's t", "paired t", "exact permutation (no spread)", "exact sign-flip (no spread)" or "none (…)". */
  readonly test: string;
  /** True when a[i] and b[i] share seed i (comparePaired). */
  readonly paired?: boolean;
  /**
   * Exact two-sided p: every split of the pooled seeds (Welch) or every sign flip of a − b (paired).
   * Absent with fewer than 2 seeds (pairs) or when the enumeration is too large (see permutationP).
   */
  readonly exactP?: number;
}

/** Student t quantile at 0.975: the half-width of a 95% interval in standard errors. */
export const t95 = (df: number): number => tQuantile(0.975, df);

// Spreads and ties below this are rounding (e.g. widths on a log grid that print equal but differ
// in the last bit), not noise between seeds.
const roundingFloor = (...scales: number[]): number => 1e-9 * Math.max(1, ...scales.map(Math.abs));

/** Splits enumerated at most: C(24, 12), so every comparison with ≤ 12 seeds a side is exact. */
const MAX_SPLITS = 2_704_156;
/** Sign flips enumerated at most: 2^20. */
const MAX_FLIPS = 2 ** 20;

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Exact two-sample permutation p: the share of all C(na + nb, na) splits of the pooled values whose
 * |mean difference| is at least the observed one (two-sided; the observed split counts). Undefined
 * when there are more than C(24, 12) splits.
 */
export function permutationP(a: readonly number[], b: readonly number[]): number | undefined {
  const pooled = [...a, ...b];
  const [na, nb, n] = [a.length, b.length, pooled.length];
  const splits = binomial(n, na);
  if (na === 0 || nb === 0 || splits > MAX_SPLITS) return undefined;
  const total = pooled.reduce((s, x) => s + x, 0);
  const bar = Math.abs(summarize(a).mean - summarize(b).mean) - roundingFloor(...pooled);
  let extreme = 0;
  const walk = (start: number, left: number, sumA: number): void => {
    if (left === 0) {
      if (Math.abs(sumA / na - (total - sumA) / nb) >= bar) extreme++;
      return;
    }
    for (let i = start; i <= n - left; i++) walk(i + 1, left - 1, sumA + pooled[i]!);
  };
  walk(0, na, 0);
  return extreme / splits;
}

/**
 * Exact sign-flip p for paired differences d: the share of all 2^n sign patterns whose |Σ ±dᵢ| is
 * at least |Σ dᵢ| (two-sided; the observed pattern counts). Undefined for n > 20.
 */
export function signFlipP(d: readonly number[]): number | undefined {
  const n = d.length;
  if (n === 0 || 2 ** n > MAX_FLIPS) return undefined;
  const bar = Math.abs(d.reduce((s, x) => s + x, 0)) - roundingFloor(...d);
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i]! : d[i]!;
    if (Math.abs(s) >= bar) extreme++;
  }
  return extreme / 2 ** n;
}

/**
 * Independent seeds: Welch's t (unequal variances) with the 95% CI of mean(a) − mean(b), and the
 * exact permutation p beside it. When every seed agrees on each side there is no t-test: ci is null
 * and p is the exact permutation p, which then has a closed form for any n (only the observed split,
 * and its mirror when na = nb, separates the two values: p = 1 or 2 over C(na + nb, na); 1 when the
 * two values are equal).
 */
export function compare(a: readonly number[], b: readonly number[]): Comparison {
  const [sa, sb] = [summarize(a), summarize(b)];
  const base = { a: sa, b: sb, difference: sa.mean - sb.mean };
  if (a.length < 2 || b.length < 2) return { ...base, ci: null, pValue: null, test: 'none (fewer than 2 seeds a side)' };
  const floor = roundingFloor(sa.mean, sb.mean);
  if (sa.std <= floor && sb.std <= floor) {
    const p = Math.abs(base.difference) <= floor ? 1 : (a.length === b.length ? 2 : 1) / binomial(a.length + b.length, a.length);
    return { ...base, ci: null, pValue: p, test: 'exact permutation (no spread)', exactP: p };
  }
  const r = ttest2(a as number[], b as number[], { alpha: 0.05, variance: 'unequal' });
  const exactP = permutationP(a, b);
  return { ...base, ci: [r.ci[0]!, r.ci[1]!], pValue: r.pValue, test: "Welch's t", ...(exactP !== undefined && { exactP }) };
}

/**
 * Seed-matched pairs (a[i] and b[i] share seed i): the paired Student's t on d = a − b with the 95%
 * CI of mean(d), and the exact sign-flip p beside it. When every d is equal there is no t-test: ci
 * is null and p is the exact sign-flip p, 2/2^n (1 when d is 0), for any n.
 */
export function comparePaired(a: readonly number[], b: readonly number[]): Comparison {
  if (a.length !== b.length) throw new Error(`comparePaired: ${a.length} vs ${b.length} values; pairs need one value a side for each seed`);
  const d = a.map((x, i) => x - b[i]!);
  const [sa, sb, sd] = [summarize(a), summarize(b), summarize(d)];
  const base = { a: sa, b: sb, difference: sd.mean, paired: true };
  if (d.length < 2) return { ...base, ci: null, pValue: null, test: 'none (fewer than 2 pairs)' };
  const floor = roundingFloor(sa.mean, sb.mean);
  if (sd.std <= floor) {
    const p = Math.abs(sd.mean) <= floor ? 1 : 2 / 2 ** d.length;
    return { ...base, ci: null, pValue: p, test: 'exact sign-flip (no spread)', exactP: p };
  }
  const r = ttest(d, { alpha: 0.05 });
  const exactP = signFlipP(d);
  return { ...base, ci: [r.ci[0]!, r.ci[1]!], pValue: r.pValue, test: 'paired t', ...(exactP !== undefined && { exactP }) };
}

/** 'threshold-dependent': the verdict changes with the tolerance it is judged at (see thresholdVerdict). */
export type Verdict = 'holds' | 'does not hold' | 'inconclusive at this scale' | 'threshold-dependent';

/** The fewest seeds (or pairs) a side that any verdict may rest on. */
export const MIN_SEEDS = 3;

/**
 * "a is lower than b" (losses, times): with a CI, holds when it lies below 0 and does not hold when
 * it lies above 0. Without one (no spread), p < 0.05 decides by the sign of the difference. Anything
 * else is inconclusive, and so is every comparison with fewer than MIN_SEEDS seeds on a side.
 */
export function lowerVerdict(c: Comparison): Verdict {
  if (Math.min(c.a.n, c.b.n) < MIN_SEEDS) return 'inconclusive at this scale';
  if (c.ci) return c.ci[1] < 0 ? 'holds' : c.ci[0] > 0 ? 'does not hold' : 'inconclusive at this scale';
  if (c.pValue !== null && c.pValue < 0.05 && c.difference !== 0) return c.difference < 0 ? 'holds' : 'does not hold';
  return 'inconclusive at this scale';
}

export const f4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));
export const pm = (s: Summary): string => (s.n > 1 ? `${f4(s.mean)} ± ${f4(s.std)}` : f4(s.mean));
const formatP = (p: number): string => (p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

/**
 * "−0.123 (95% CI [−0.2, −0.05]), Welch's t p = 0.003, 5 vs 5 seeds" or "…, paired t p = 0.01, 5 pairs",
 * with the unit after the difference when given. exactP is on the Comparison, not in this line.
 */
export function describeComparison(c: Comparison, unit?: string): string {
  const ci = c.ci ? ` (95% CI [${f4(c.ci[0])}, ${f4(c.ci[1])}])` : '';
  const p = c.pValue !== null ? `, ${c.test} p = ${formatP(c.pValue)}` : '';
  const n = c.paired ? `${c.a.n} pairs` : `${c.a.n} vs ${c.b.n} seeds`;
  return `${c.difference >= 0 ? '+' : ''}${f4(c.difference)}${unit ? ` ${unit}` : ''}${ci}${p}, ${n}`;
}
