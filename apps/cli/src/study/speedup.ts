/**
 * Token speedup after Wen, Hall, Ma & Liang 2025 ("Fantastic Pretraining Optimizers and Where to
 * Find Them", arXiv:2509.02046): the tokens the baseline would need to reach the contender's loss,
 * over the tokens the contender used. The baseline's loss against tokens is the power law
 * L(D) = α·D^(−β) + γ fitted by least squares in L; the 95% CI is a percentile bootstrap over seeds.
 * It fits and resamples numbers only; which runs make the baseline is the study's business.
 */

export interface PowerLawFit {
  readonly alpha: number;
  readonly beta: number;
  /** The loss the power law tends to with unlimited tokens. */
  readonly gamma: number;
  /** Residual sum of squares, in loss. */
  readonly rss: number;
}

export interface TokenLoss {
  readonly tokens: number;
  readonly loss: number;
}

// β is searched on a log grid over [BETA_MIN, BETA_MAX], then refined by golden section.
const BETA_MIN = 1e-3;
const BETA_MAX = 4;
const BETA_GRID = 241;

/**
 * Least squares for (a, γ) at a fixed β on u = (D/D0)^(−β): L ≈ a·u + γ with a > 0, γ ≥ 0. The
 * problem is a convex quadratic, so the constrained optimum is the unconstrained one when feasible,
 * else the better of the edges γ = 0 and a = 0; null when the edge a = 0 wins (loss does not fall).
 */
function fitAtBeta(u: readonly number[], loss: readonly number[]): { a: number; gamma: number; rss: number } | null {
  const n = u.length;
  const mu = u.reduce((s, v) => s + v, 0) / n;
  const ml = loss.reduce((s, v) => s + v, 0) / n;
  let [suu, sul, uu, ul] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    suu += (u[i]! - mu) ** 2;
    sul += (u[i]! - mu) * (loss[i]! - ml);
    uu += u[i]! ** 2;
    ul += u[i]! * loss[i]!;
  }
  const rss = (a: number, gamma: number): number => loss.reduce((s, l, i) => s + (l - a * u[i]! - gamma) ** 2, 0);
  const flat = rss(0, ml);
  const free = { a: sul / suu, gamma: ml - (sul / suu) * mu };
  if (free.a > 0 && free.gamma >= 0) return { ...free, rss: rss(free.a, free.gamma) };
  const edge = { a: ul / uu, gamma: 0, rss: rss(ul / uu, 0) };
  return edge.rss < flat ? edge : null;
}

/**
 * Fits L(D) = α·D^(−β) + γ (α > 0, β > 0, γ ≥ 0) by least squares in L. Variable projection: at a
 * fixed β the model is linear in (α, γ) and solved exactly (fitAtBeta), so only β is searched: a log
 * grid over [0.001, 4], then golden section around the best grid point. Throws with fewer than 3
 * distinct token budgets, or when the loss does not fall with tokens.
 */
export function fitPowerLaw(points: readonly TokenLoss[]): PowerLawFit {
  const budgets = new Set(points.map((p) => p.tokens)).size;
  if (budgets < 3) throw new Error(`fitPowerLaw: ${budgets} distinct token budgets; the three-parameter power law needs at least 3`);
  // D0 = the smallest budget keeps u = (D/D0)^(−β) in (0, 1] whatever the token scale.
  const d0 = Math.min(...points.map((p) => p.tokens));
  const loss = points.map((p) => p.loss);
  const at = (beta: number): ReturnType<typeof fitAtBeta> => fitAtBeta(points.map((p) => (p.tokens / d0) ** -beta), loss);
  const cost = (beta: number): number => at(beta)?.rss ?? Infinity;
  const grid = Array.from({ length: BETA_GRID }, (_, i) => BETA_MIN * (BETA_MAX / BETA_MIN) ** (i / (BETA_GRID - 1)));
  const costs = grid.map(cost);
  const k = costs.indexOf(Math.min(...costs));
  if (!Number.isFinite(costs[k]!)) throw new Error('fitPowerLaw: the loss does not fall with tokens');
  const beta = goldenSection(cost, grid[Math.max(k - 1, 0)]!, grid[Math.min(k + 1, BETA_GRID - 1)]!);
  const best = cost(beta) <= costs[k]! ? beta : grid[k]!;
  const { a, gamma, rss } = at(best)!;
  return { alpha: a * d0 ** best, beta: best, gamma, rss };
}

/** Minimum of f on [lo, hi] by golden-section search, to a relative width of 1e-12. */
function goldenSection(f: (x: number) => number, lo: number, hi: number): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let [x1, x2] = [hi - r * (hi - lo), lo + r * (hi - lo)];
  let [f1, f2] = [f(x1), f(x2)];
  while (hi - lo > 1e-12 * hi) {
    if (f1 <= f2) {
      // The minimum lies in [lo, x2]: x1 becomes the new upper probe.
      hi = x2;
      [x2, f2] = [x1, f1];
      x1 = hi - r * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      [x1, f1] = [x2, f2];
      x2 = lo + r * (hi - lo);
      f2 = f(x2);
    }
  }
  return (lo + hi) / 2;
}

/** Tokens the fitted law needs to reach `loss`: D = (α / (loss − γ))^(1/β); Infinity when loss ≤ γ. */
export function tokensToReach(fit: PowerLawFit, loss: number): number {
  return loss > fit.gamma ? (fit.alpha / (loss - fit.gamma)) ** (1 / fit.beta) : Infinity;
}

export interface SeedRuns {
  readonly tokens: number;
  /** Final loss of each seed (finite). */
  readonly losses: readonly number[];
}

export interface TokenSpeedupOptions {
  /** The baseline at each token budget (at least 3 budgets). */
  readonly baseline: readonly SeedRuns[];
  readonly contender: SeedRuns;
  /** Bootstrap resamples. */
  readonly resamples?: number;
  /** Seed of the resampling generator: the same seed gives the same CI. */
  readonly seed?: number;
}

export interface TokenSpeedup {
  /** tokensToReach(baseline fit, mean contender loss) / contender tokens. */
  readonly estimate: number;
  /** 95% percentile bootstrap interval; an end is Infinity once ≥ 2.5% of resamples are infinite. */
  readonly ci: readonly [number, number];
  /** True when the contender's mean loss lies outside the baseline's range of mean losses (beyond its largest or smallest budget). */
  readonly extrapolated: boolean;
  /** Share of the resamples whose contender loss is ≤ γ of their refit (infinite speedup). */
  readonly infiniteShare: number;
  /** Share of the resamples whose baseline refit failed (loss not falling with tokens); left out of the CI. */
  readonly failedShare: number;
  readonly fit: PowerLawFit;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * The contender's token speedup over the baseline, with a bootstrap CI: each resample draws seeds
 * with replacement within every baseline budget and within the contender, refits the baseline
 * power law to the resampled means, and recomputes the speedup.
 */
export function tokenSpeedup({ baseline, contender, resamples = 2000, seed = 1 }: TokenSpeedupOptions): TokenSpeedup {
  for (const runs of [...baseline, contender]) {
    if (runs.losses.length === 0 || !runs.losses.every(Number.isFinite)) throw new Error(`tokenSpeedup: the runs at ${runs.tokens} tokens need at least one seed and finite losses`);
  }
  const speedup = (baselineMeans: readonly number[], target: number): number | null => {
    try {
      return tokensToReach(fitPowerLaw(baseline.map((b, i) => ({ tokens: b.tokens, loss: baselineMeans[i]! }))), target) / contender.tokens;
    } catch {
      return null;
    }
  };
  const means = baseline.map((b) => mean(b.losses));
  const target = mean(contender.losses);
  const fit = fitPowerLaw(baseline.map((b, i) => ({ tokens: b.tokens, loss: means[i]! })));
  const random = mulberry32(seed);
  const resample = (xs: readonly number[]): number => mean(xs.map(() => xs[Math.floor(random() * xs.length)]!));
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const value = speedup(baseline.map((b) => resample(b.losses)), resample(contender.losses));
    if (value !== null) values.push(value);
  }
  values.sort((x, y) => x - y);
  return {
    estimate: tokensToReach(fit, target) / contender.tokens,
    ci: [quantile(values, 0.025), quantile(values, 0.975)],
    extrapolated: target < Math.min(...means) || target > Math.max(...means),
    infiniteShare: values.filter((v) => v === Infinity).length / Math.max(values.length, 1),
    failedShare: (resamples - values.length) / resamples,
    fit,
  };
}

/** The p-quantile of ascending values by linear interpolation (R type 7, numpy's default); Infinity propagates; NaN when empty. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const [lo, frac] = [Math.floor(h), h - Math.floor(h)];
  const [a, b] = [sorted[lo]!, sorted[Math.min(lo + 1, sorted.length - 1)]!];
  return frac === 0 || a === b ? a : a + frac * (b - a);
}

/** mulberry32 (Tommy Ettinger, public domain): a 32-bit generator, uniform in [0, 1), fixed by its seed. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
