/**
 * Token speedup: the power-law fit against exact synthetic data and against an independent python3
 * fit (full three-parameter Levenberg–Marquardt, no variable projection), tokensToReach by hand, and
 * the bootstrap on synthetic runs whose true speedup is known.
 */
import { describe, expect, it } from 'vitest';
import { fitPowerLaw, quantile, tokenSpeedup, tokensToReach } from './speedup.js';

const law = (d: number): number => 50 * d ** -0.4 + 3; // α = 50, β = 0.4, γ = 3
const BUDGETS = [1e4, 3e4, 1e5, 3e5, 1e6];
const NOISE = [0.01, -0.02, 0.015, -0.005, 0.01];

/** Three seeds a budget, law(D) − e, law(D), law(D) + e: the seed mean is law(D). */
const seeds = (tokens: number, loss: number, e: number): { tokens: number; losses: number[] } => ({ tokens, losses: [loss - e, loss, loss + e] });
const baseline = (e: number): { tokens: number; losses: number[] }[] => BUDGETS.map((d, i) => seeds(d, law(d), e * (1 + 0.3 * i)));

const relative = (x: number, y: number): number => Math.abs(x / y - 1);

describe('fitPowerLaw', () => {
  it('recovers α, β, γ from exact data at 4 budgets over 2 decades', () => {
    const fit = fitPowerLaw([0, 1, 2, 3].map((i) => ({ tokens: 1e4 * 10 ** ((2 * i) / 3), loss: law(1e4 * 10 ** ((2 * i) / 3)) })));
    expect(relative(fit.alpha, 50)).toBeLessThan(1e-6);
    expect(relative(fit.beta, 0.4)).toBeLessThan(1e-6);
    expect(relative(fit.gamma, 3)).toBeLessThan(1e-6);
    expect(fit.rss).toBeLessThan(1e-20);
  });

  it('matches an independent python3 Levenberg–Marquardt fit on noisy data', () => {
    const fit = fitPowerLaw(BUDGETS.map((d, i) => ({ tokens: d, loss: law(d) + NOISE[i]! })));
    expect(relative(fit.alpha, 63.04930317034735)).toBeLessThan(1e-6);
    expect(relative(fit.beta, 0.42810651100200614)).toBeLessThan(1e-7);
    expect(relative(fit.gamma, 3.0397439937148074)).toBeLessThan(1e-7);
    expect(relative(fit.rss, 0.0006383039266938826)).toBeLessThan(1e-8);
  });

  it('holds γ at 0 when the unconstrained fit wants it negative (python3: free γ = −0.157)', () => {
    const fit = fitPowerLaw(BUDGETS.map((d, i) => ({ tokens: d, loss: 5 * d ** -0.1 + [-0.002, 0.001, 0.002, 0, -0.002][i]! })));
    expect(fit.gamma).toBe(0);
    expect(relative(fit.alpha, 4.9987363165092615)).toBeLessThan(1e-6);
    expect(relative(fit.beta, 0.09998762757711512)).toBeLessThan(1e-7);
    expect(relative(fit.rss, 1.2814021747273153e-5)).toBeLessThan(1e-6);
  });

  it('throws with fewer than 3 budgets, or when loss rises with tokens', () => {
    expect(() => fitPowerLaw([1e4, 1e4, 1e5].map((d) => ({ tokens: d, loss: law(d) })))).toThrow(/2 distinct token budgets/);
    expect(() => fitPowerLaw([1e4, 1e5, 1e6].map((d, i) => ({ tokens: d, loss: 3 + i })))).toThrow(/does not fall/);
  });
});

describe('tokensToReach', () => {
  it('inverts the law (by hand), infinite at or below γ', () => {
    const fit = { alpha: 50, beta: 0.5, gamma: 3, rss: 0 };
    expect(tokensToReach(fit, 3.5)).toBeCloseTo(10_000, 6); // (50 / 0.5)^2
    expect(tokensToReach(fit, 3)).toBe(Infinity);
    expect(tokensToReach(fit, 2.5)).toBe(Infinity);
  });
});

describe('tokenSpeedup', () => {
  it('a contender at 1e5 tokens with the baseline loss at 2e5 is a 2× speedup; the CI holds it and narrows with less noise', () => {
    const noisy = tokenSpeedup({ baseline: baseline(0.02), contender: seeds(1e5, law(2e5), 0.02) });
    expect(noisy.estimate).toBeCloseTo(2, 6);
    expect(noisy.ci[0]).toBeLessThan(2);
    expect(noisy.ci[1]).toBeGreaterThan(2);
    expect([noisy.extrapolated, noisy.infiniteShare, noisy.failedShare]).toEqual([false, 0, 0]);
    expect(relative(noisy.fit.beta, 0.4)).toBeLessThan(1e-6);
    const quiet = tokenSpeedup({ baseline: baseline(0.005), contender: seeds(1e5, law(2e5), 0.005) });
    expect(quiet.estimate).toBeCloseTo(2, 6);
    expect(quiet.ci[1] - quiet.ci[0]).toBeLessThan(0.4 * (noisy.ci[1] - noisy.ci[0]));
    expect(quiet.ci[0]).toBeLessThan(2);
    expect(quiet.ci[1]).toBeGreaterThan(2);
  });

  it('the CI width matches the delta method (numerical derivatives of the fitted speedup)', () => {
    // A resample mean of three seeds {l − e, l, l + e} has variance (2e²/3)/3 = 2e²/9.
    const [e, contenderTokens, target] = [0.005, 1e5, law(2e5)];
    const means = BUDGETS.map(law);
    const speedup = (m: readonly number[], t: number): number => tokensToReach(fitPowerLaw(BUDGETS.map((d, i) => ({ tokens: d, loss: m[i]! }))), t) / contenderTokens;
    const h = 1e-6;
    let variance = 0;
    BUDGETS.forEach((_, i) => {
      const [up, down] = [means.map((m, j) => m + (i === j ? h : 0)), means.map((m, j) => m - (i === j ? h : 0))];
      variance += ((speedup(up, target) - speedup(down, target)) / (2 * h)) ** 2 * ((2 * (e * (1 + 0.3 * i)) ** 2) / 9);
    });
    variance += ((speedup(means, target + h) - speedup(means, target - h)) / (2 * h)) ** 2 * ((2 * e * e) / 9);
    const { ci } = tokenSpeedup({ baseline: baseline(e), contender: seeds(contenderTokens, target, e) });
    expect(relative(ci[1] - ci[0], 2 * 1.959964 * Math.sqrt(variance))).toBeLessThan(0.1); // measured: 0.6%
  });

  it('is deterministic for a seed and changes with it', () => {
    const run = (seed: number): ReturnType<typeof tokenSpeedup> => tokenSpeedup({ baseline: baseline(0.02), contender: seeds(1e5, law(2e5), 0.02), resamples: 300, seed });
    expect(run(7)).toEqual(run(7));
    expect(run(8).ci).not.toEqual(run(7).ci);
    expect(run(8).estimate).toBe(run(7).estimate);
  });

  it('flags extrapolation past the largest budget', () => {
    const far = tokenSpeedup({ baseline: baseline(0.01), contender: seeds(1e6, law(2e6), 0.01), resamples: 200 });
    expect(far.estimate).toBeCloseTo(2, 6);
    expect(far.extrapolated).toBe(true);
  });

  it('a contender at γ has infinite speedup in many resamples: the CI opens upward', () => {
    const atFloor = tokenSpeedup({ baseline: baseline(0.002), contender: { tokens: 1e5, losses: [2.96, 3.0, 3.02, 3.06] }, resamples: 500 });
    expect(Number.isFinite(atFloor.estimate)).toBe(true); // mean 3.01 > γ = 3
    expect(atFloor.infiniteShare).toBeGreaterThan(0.025);
    expect(atFloor.ci[1]).toBe(Infinity);
    const below = tokenSpeedup({ baseline: baseline(0.002), contender: seeds(1e5, 2.9, 0.01), resamples: 200 });
    expect([below.estimate, below.infiniteShare, below.ci[0], below.ci[1]]).toEqual([Infinity, 1, Infinity, Infinity]);
  });

  it('throws on a diverged or empty run', () => {
    expect(() => tokenSpeedup({ baseline: baseline(0.01), contender: { tokens: 1e5, losses: [Infinity] } })).toThrow(/finite/);
    expect(() => tokenSpeedup({ baseline: [...baseline(0.01), { tokens: 2e6, losses: [] }], contender: seeds(1e5, 3.5, 0.01) })).toThrow(/at least one seed/);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics (type 7, by hand) and lets Infinity through', () => {
    expect(quantile([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12); // h = 3·0.025 = 0.075
    expect(quantile([1, 2, 3, 4], 0.975)).toBeCloseTo(3.925, 12); // h = 2.925
    expect(quantile([1, 2, Infinity], 0.5)).toBe(2);
    expect(quantile([1, 2, Infinity], 0.975)).toBe(Infinity);
    expect(quantile([Infinity, Infinity], 0.025)).toBe(Infinity);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
