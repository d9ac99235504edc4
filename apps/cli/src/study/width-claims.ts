/**
 * LR-sensitivity claims from study runs: the seed-mean curve of a group of LR-grid runs, and "A
 * tolerates a wider LR range than B" judged at tolerances of the best loss (1%, 2% and 5% unless a
 * study file's question gives others). The widths come from
 * the seed-mean curve (sensitivity.ts); the test is on the per-seed widths, as seed pairs (both
 * groups run on the same seeds). A width that reaches the grid's edge is a lower bound and can
 * never show its side narrower. One verdict only when all thresholds agree.
 */
import type { Entry } from './select.js';
import { score } from './select.js';
import { lrWidth, meanCurve, thresholdVerdict, type CurvePoint, type LrWidth } from './sensitivity.js';
import { comparePaired, describeComparison, lowerVerdict, type Verdict } from './stats.js';

/** The tolerances widths are reported at unless a question gives others, in % of the best loss. */
export const DEFAULT_THRESHOLDS = [1, 2, 5] as const;
export type Threshold = `${(typeof DEFAULT_THRESHOLDS)[number]}`;
/** The default tolerances as fractions of the best loss, by their name in % (as the thesis study reads them). */
export const THRESHOLDS = Object.fromEntries(DEFAULT_THRESHOLDS.map((p) => [String(p), p / 100])) as Readonly<Record<Threshold, number>>;
export const THRESHOLD_NAMES = DEFAULT_THRESHOLDS.map(String) as Threshold[];

/** "1%, 2% and 5%". */
export const percentList = (percents: readonly number[]): string => percents.map((p) => `${p}%`).join(', ').replace(/, ([^,]*)$/, ' and $1');

/** The seed-mean curve of LR-grid runs (only the LRs that ran on every seed of the group), or of some seeds only. */
export function curveOf(entries: readonly Entry[], seeds?: readonly number[]): CurvePoint[] {
  const byLr = new Map<number, Map<number, number>>();
  for (const e of entries) {
    if (seeds && !seeds.includes(e.seed)) continue;
    const lr = e.result.optimizer.learningRate;
    byLr.set(lr, (byLr.get(lr) ?? new Map<number, number>()).set(e.seed, score(e.result)));
  }
  const n = Math.max(0, ...[...byLr.values()].map((m) => m.size));
  return meanCurve([...byLr.entries()].filter(([, m]) => m.size === n).map(([lr, m]) => ({ lr, losses: [...m.values()] })));
}

/** The seeds a group ran. */
export const seedsOf = (entries: readonly Entry[]): number[] => [...new Set(entries.map((e) => e.seed))].sort((a, b) => a - b);

/** "1.23" or "≥ 1.23" (a lower bound: the range reaches the grid's edge). */
export const widthText = (w: LrWidth | null): string => (w ? `${w.lowerBound ? '≥ ' : ''}${w.decades.toFixed(2)}` : '—');

export interface WidthClaim {
  readonly verdict: Verdict;
  /** One line per threshold: both seed-mean widths, the per-seed paired difference, the verdict there. */
  readonly lines: readonly string[];
  /** The verdict at each threshold, by its name in % ("1", "2", "5"). */
  readonly perThreshold: Readonly<Record<string, Verdict>>;
}

/** "a is wider than b" at each threshold (in % of the best loss), and overall. */
export function widerClaim(a: { name: string; entries: readonly Entry[] }, b: { name: string; entries: readonly Entry[] }, thresholds: readonly number[] = DEFAULT_THRESHOLDS): WidthClaim {
  const seeds = seedsOf(a.entries).filter((s) => seedsOf(b.entries).includes(s));
  const perThreshold: Record<string, Verdict> = {};
  const lines = thresholds.map((t) => {
    const widths = (entries: readonly Entry[]) => seeds.map((s) => lrWidth(curveOf(entries, [s]), t / 100));
    const [wa, wb] = [widths(a.entries), widths(b.entries)];
    const pairs = seeds.map((_, i) => [wa[i], wb[i]] as const).filter((p): p is readonly [LrWidth, LrWidth] => Boolean(p[0] && p[1]));
    // b − a: negative when a is wider.
    const c = comparePaired(pairs.map(([, y]) => y.decades), pairs.map(([x]) => x.decades));
    const [ma, mb] = [lrWidth(curveOf(a.entries), t / 100), lrWidth(curveOf(b.entries), t / 100)];
    let verdict = lowerVerdict(c);
    // A width that reaches the grid's edge (seed mean or any seed) is only a lower bound: it cannot show its side narrower.
    const bounded = (mean: LrWidth | null | undefined, seedsWidths: readonly (LrWidth | null)[]) => Boolean(mean?.lowerBound) || seedsWidths.some((w) => w?.lowerBound);
    if ((verdict === 'holds' && bounded(mb, wb)) || (verdict === 'does not hold' && bounded(ma, wa))) verdict = 'inconclusive at this scale';
    perThreshold[t] = verdict;
    return `${t}%: seed-mean widths ${a.name} ${widthText(ma)}, ${b.name} ${widthText(mb)} decades; per seed ${b.name} − ${a.name} = ${describeComparison(c, 'decades')} → ${verdict}`;
  });
  return { verdict: thresholdVerdict(perThreshold), lines, perThreshold };
}
