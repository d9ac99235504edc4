/**
 * LR sensitivity from the seed-mean curve: hand-worked curves on a decade grid, and a non-uniform
 * grid checked against a python3 computation (midpoint-rule integral, Cramer's-rule parabola).
 */
import { describe, expect, it } from 'vitest';
import { excessLoss, lrWidth, meanCurve, optimumLr, thresholdVerdict } from './sensitivity.js';

// Decade grid, hand-worked: means 4, 3, 3.5, diverged.
const DECADES = meanCurve([
  { lr: 1e-2, losses: [3.4, 3.6] },
  { lr: 1e-4, losses: [3.9, 4.1] },
  { lr: 1e-1, losses: [3.2, Infinity] },
  { lr: 1e-3, losses: [3, 3] },
]);
// Non-uniform grid, computed in python3 (/tmp/sens_ref.py in the report): means 5, 3.6, 3.1, 3.0, 3.2, 4.4.
const UNEVEN = meanCurve([1e-4, 3e-4, 1e-3, 2e-3, 1e-2, 3e-2].map((lr, i) => ({ lr, losses: [[5, 3.6, 3.1, 3.0, 3.2, 4.4][i]!] })));

describe('meanCurve', () => {
  it('sorts by LR, averages seeds, and marks any diverged seed', () => {
    expect(DECADES.map((p) => p.lr)).toEqual([1e-4, 1e-3, 1e-2, 1e-1]);
    expect(DECADES.map((p) => p.mean)).toEqual([4, 3, 3.5, Infinity]);
    expect(DECADES.map((p) => [p.n, p.diverged])).toEqual([[2, 0], [2, 0], [2, 0], [2, 1]]);
    expect(meanCurve([{ lr: 1, losses: [3, NaN] }])[0]).toEqual({ lr: 1, mean: Infinity, n: 2, diverged: 1 }); // NaN is diverged too
  });

  it('throws on an LR without seeds or listed twice', () => {
    expect(() => meanCurve([{ lr: 1, losses: [] }])).toThrow(/no seeds/);
    expect(() => meanCurve([{ lr: 1, losses: [1] }, { lr: 1, losses: [2] }])).toThrow(/twice/);
  });
});

describe('lrWidth', () => {
  it('interpolates the crossings linearly in log10(lr) (by hand: −3.3 and −2.4)', () => {
    const w = lrWidth(DECADES, 0.1)!; // T = 3.3
    expect(Math.log10(w.low)).toBeCloseTo(-3.3, 12); // −3 − (3.3 − 3)/(4 − 3)
    expect(Math.log10(w.high)).toBeCloseTo(-2.4, 12); // −3 + (3.3 − 3)/(3.5 − 3)
    expect(w.decades).toBeCloseTo(0.9, 12);
    expect([w.lowerBound, w.openSides, w.divergedSides, w.resolution]).toEqual([false, [], [], 1]);
  });

  it('an open side is a lower bound; a diverged neighbour ends the range at the finite point', () => {
    const w = lrWidth(DECADES, 0.5)!; // T = 4.5: 4 at the low edge is inside; 1e-1 diverged
    expect([w.low, w.high]).toEqual([1e-4, 1e-2]);
    expect(w.decades).toBeCloseTo(2, 12);
    expect(w.lowerBound).toBe(true);
    expect(w.openSides).toEqual(['low']);
    expect(w.divergedSides).toEqual(['high']);
  });

  it('a non-uniform grid: crossings and resolution as python3 computes them', () => {
    const w = lrWidth(UNEVEN, 0.1)!;
    expect(Math.log10(w.low)).toBeCloseTo(-3.209151498112135, 12);
    expect(Math.log10(w.high)).toBeCloseTo(-1.9602398954400282, 12);
    expect(w.decades).toBeCloseTo(1.2489116026721068, 12);
    expect(w.resolution).toBeCloseTo(Math.log10(5), 12); // the 2e-3 → 1e-2 step, inside the range
  });

  it('walks out from the best point only: a second dip past a crossing is not in the range', () => {
    const w = lrWidth(meanCurve([{ lr: 1, losses: [3] }, { lr: 10, losses: [4] }, { lr: 100, losses: [3.01] }]), 0.1)!;
    expect([Math.log10(w.low), w.openSides]).toEqual([0, ['low']]);
    expect(Math.log10(w.high)).toBeCloseTo(0.3, 12);
  });

  it('whole grid inside, one point, nothing finite', () => {
    const all = lrWidth(meanCurve([{ lr: 1, losses: [3] }, { lr: 10, losses: [3.1] }]), 0.05)!;
    expect([all.openSides, all.lowerBound, all.decades]).toEqual([['low', 'high'], true, 1]);
    const one = lrWidth(meanCurve([{ lr: 1e-3, losses: [3] }]), 0.05)!;
    expect([one.decades, one.resolution, one.openSides]).toEqual([0, 0, ['low', 'high']]);
    expect(lrWidth(meanCurve([{ lr: 1, losses: [Infinity] }]), 0.05)).toBeNull();
  });
});

describe('excessLoss', () => {
  it('trapezoids in log10(lr), by hand on the decade grid', () => {
    expect(excessLoss(DECADES, { divergedLoss: 5 })).toEqual({ excess: 0.375, covered: 1, partial: false }); // (0.5 + 0.25)/2
    expect(excessLoss(DECADES, { decades: 0.5, divergedLoss: 5 })!.excess).toBeCloseTo(0.1875, 12); // 0.125 + 0.0625 over 1 decade
    const wide = excessLoss(DECADES, { decades: 2, divergedLoss: 5 })!; // [−5, −1]: grid covers [−4, −1]; 0.5 + 0.25 + 1.25 over 3
    expect(wide.excess).toBeCloseTo(2 / 3, 12);
    expect([wide.covered, wide.partial]).toEqual([0.75, true]);
  });

  it('a non-uniform grid matches a python3 midpoint-rule integral', () => {
    expect(excessLoss(UNEVEN, { divergedLoss: 10 })!.excess).toBeCloseTo(0.29663355764010324, 8);
    expect(excessLoss(UNEVEN, { decades: 0.25, divergedLoss: 10 })!.excess).toBeCloseTo(0.03864550756896337, 8);
    const partial = excessLoss(UNEVEN, { decades: 1.5, divergedLoss: 10 })!;
    expect(partial.excess).toBeCloseTo(0.5126558474018551, 8);
    expect(partial.covered).toBeCloseTo(0.8257070849065542, 12);
  });

  it('null without a finite point', () => {
    expect(excessLoss(meanCurve([{ lr: 1, losses: [Infinity] }]), { divergedLoss: 5 })).toBeNull();
  });
});

describe('optimumLr', () => {
  it('the parabola in log10(lr) through the best point and its neighbours (by hand: −3 + 1/6)', () => {
    const o = optimumLr(DECADES)!;
    expect([o.lr, o.loss, o.bracketed]).toEqual([1e-3, 3, true]);
    expect(Math.log10(o.refinedLr!)).toBeCloseTo(-3 + 1 / 6, 12); // x1 + h(y0 − y2)/(2(y0 − 2y1 + y2))
    expect(o.refinedLoss!).toBeCloseTo(3 - 0.25 / 12, 12); // y1 − (y2 − y0)²/(8(y0 − 2y1 + y2))
  });

  it('a non-uniform grid matches python3 (Cramer\'s rule on y = Ax² + Bx + C)', () => {
    const o = optimumLr(UNEVEN)!;
    expect(Math.log10(o.refinedLr!)).toBeCloseTo(-2.5808632153277506, 12);
    expect(o.refinedLoss!).toBeCloseTo(2.9913748089577634, 12);
  });

  it('no refinement at an edge, beside a diverged point, or on a flat top', () => {
    const edge = optimumLr(meanCurve([{ lr: 1, losses: [3] }, { lr: 10, losses: [4] }]))!;
    expect([edge.bracketed, edge.refinedLr]).toEqual([false, null]);
    const diverged = optimumLr(meanCurve([{ lr: 1, losses: [4] }, { lr: 10, losses: [3] }, { lr: 100, losses: [Infinity] }]))!;
    expect([diverged.bracketed, diverged.refinedLr]).toEqual([true, null]);
    const flat = optimumLr(meanCurve([1, 10, 100].map((lr) => ({ lr, losses: [3] }))))!;
    expect([flat.lr, flat.refinedLr]).toEqual([1, null]); // ties: the first point
    expect(optimumLr(meanCurve([{ lr: 1, losses: [Infinity] }]))).toBeNull();
  });
});

describe('thresholdVerdict', () => {
  it('the common verdict when every threshold agrees, else threshold-dependent', () => {
    expect(thresholdVerdict({ '1': 'holds', '2': 'holds', '5': 'holds' })).toBe('holds');
    expect(thresholdVerdict({ '1': 'inconclusive at this scale', '2': 'holds', '5': 'holds' })).toBe('threshold-dependent');
    expect(() => thresholdVerdict({})).toThrow(/no verdicts/);
  });
});
