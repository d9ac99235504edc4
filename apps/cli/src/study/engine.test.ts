/** The engine's pure parts: where a learning-rate grid is extended, and run keys. */
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '@optimlab/moe-model';
import { configKey, latticeAround, latticeIndex, latticeLr, nextGridPoint } from './engine.js';

const grid = (losses: number[], lrs = [0.01, 0.03, 0.1, 0.3]) => lrs.map((lr, i) => ({ lr, loss: losses[i]! }));

describe('grid extension', () => {
  it('extends past the top edge in the grid’s own ratio when the best point is the largest LR', () => {
    expect(nextGridPoint(grid([5, 4, 3, 2]))).toEqual({ lr: 0.9, edge: 'top', ratio: expect.closeTo(3, 12) });
  });
  it('extends below the bottom edge when the best point is the smallest LR', () => {
    expect(nextGridPoint(grid([2, 3, 4, Infinity]))).toEqual({ lr: expect.closeTo(0.003333, 6), edge: 'bottom', ratio: expect.closeTo(3, 12) });
  });
  it('stops when the optimum is bracketed or nothing converged', () => {
    expect(nextGridPoint(grid([5, 3, 4, 6]))).toBeUndefined();
    expect(nextGridPoint(grid([Infinity, Infinity, Infinity, Infinity]))).toBeUndefined();
  });
  it('a diverged top point is not the best: the grid is bracketed by it', () => {
    expect(nextGridPoint(grid([5, 4, 3, Infinity]))).toBeUndefined();
  });
});

describe('run keys', () => {
  it('equal resolved configurations share a key whatever the order of their fields; any change makes another', () => {
    const a = resolveRunConfig({ preset: 'smoke', optimizer: { name: 'muon+adamw', momentum: 0.9, learningRate: 0.07 } });
    const b = resolveRunConfig({ optimizer: { learningRate: 0.07, momentum: 0.9, name: 'muon+adamw' }, preset: 'smoke' });
    const c = resolveRunConfig({ preset: 'smoke', optimizer: { name: 'muon+adamw', momentum: 0.95, learningRate: 0.07 } });
    // "momentum 0.9" labelled twice (the thesis's base and its ablation) is one run.
    expect(configKey(a)).toBe(configKey(b));
    expect(configKey(a)).not.toBe(configKey(c));
  });
});

describe('the LR lattice', () => {
  it('is 10^(k/perDecade) to 3 significant digits, one for every optimizer', () => {
    expect([-8, -7, -6, -5, -4].map((k) => latticeLr(k, 4))).toEqual([0.01, 0.0178, 0.0316, 0.0562, 0.1]);
    expect(latticeIndex(0.07, 4)).toBe(-5); // log10(0.07)·4 = −4.62
    expect(latticeIndex(latticeLr(-13, 4), 4)).toBe(-13);
  });
  it('centres a grid on the point nearest the prior (the lower side gets the extra point)', () => {
    expect(latticeAround(0.003, 5, 4)).toEqual([0.001, 0.00178, 0.00316, 0.00562, 0.01]);
    expect(latticeAround(0.003, 4, 4)).toEqual([0.001, 0.00178, 0.00316, 0.00562]);
  });
  it('extends an edge by one lattice step, not by the rounded ratio of its points', () => {
    const points = [0.0178, 0.0316, 0.0562].map((lr, i) => ({ lr, loss: 3 - i }));
    expect(nextGridPoint(points, 4)).toEqual({ lr: 0.1, edge: 'top', ratio: expect.closeTo(10 ** 0.25, 12) });
    expect(nextGridPoint(points.map((p, i) => ({ ...p, loss: i })), 4)).toEqual({ lr: 0.01, edge: 'bottom', ratio: expect.closeTo(10 ** 0.25, 12) });
    expect(nextGridPoint(points.map((p, i) => ({ ...p, loss: Math.abs(i - 1) })), 4)).toBeUndefined();
  });
});
