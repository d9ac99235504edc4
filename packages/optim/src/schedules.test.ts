import { describe, expect, it } from 'vitest';
import { constant, cosineDecay, joinSchedules, linear, stepDecay, warmupConstant, warmupCosineDecay, warmupLinearDecay } from './schedules.js';

describe('schedules', () => {
  it('constant, linear, step decay', () => {
    expect(constant(3)(100)).toBe(3);
    expect([0, 5, 10, 20].map(linear(1, 0, 10))).toEqual([1, 0.5, 0, 0]);
    expect([0, 9, 10, 25].map(stepDecay(1, 10, 0.5))).toEqual([1, 1, 0.5, 0.25]);
  });
  it('cosine decays to its floor and stays there', () => {
    const s = cosineDecay(2, 100, 0.1);
    expect(s(0)).toBeCloseTo(2);
    expect(s(50)).toBeCloseTo(0.2 + 1.8 * 0.5);
    expect(s(100)).toBeCloseTo(0.2);
    expect(s(1000)).toBeCloseTo(0.2);
  });
  it('warmup given as a ratio of total steps, joined to cosine / linear / constant', () => {
    const c = warmupCosineDecay({ peak: 1, totalSteps: 100, warmupRatio: 0.1 });
    expect([0, 5, 10].map(c)).toEqual([0, 0.5, 1]);
    expect(c(55)).toBeCloseTo(0.5);
    expect(c(100)).toBeCloseTo(0);
    expect(warmupLinearDecay({ peak: 1, totalSteps: 100, warmupRatio: 0.2, alpha: 0.1 })(100)).toBeCloseTo(0.1);
    expect(warmupConstant({ peak: 2, totalSteps: 10, warmupRatio: 0.5 })(7)).toBe(2);
  });
  it('joinSchedules counts each piece from its own start', () => {
    const s = joinSchedules([constant(1), linear(1, 0, 4)], [6]);
    expect([5, 6, 8, 10].map(s)).toEqual([1, 1, 0.5, 0]);
    expect(() => joinSchedules([constant(1)], [3])).toThrow(/one more schedule/);
  });
});
