/** The run config's learning-rate schedules, on hand values. */
import { describe, expect, it } from 'vitest';
import { resolveOptimizerConfig } from './run-config.js';
import { lrSchedule } from './lr-schedule.js';

describe('lrSchedule', () => {
  it('constant-linear holds the peak for 40% of the steps, then falls linearly to minLrRatio', () => {
    const s = lrSchedule(resolveOptimizerConfig({ name: 'adamw', schedule: 'constant-linear', warmupRatio: 0, minLrRatio: 0.1 }), 100);
    expect([0, 20, 40, 70, 100].map(s)).toEqual([1, 1, 1, expect.closeTo(0.55, 12), expect.closeTo(0.1, 12)]);
  });
  it('cosine warms up linearly first', () => {
    const s = lrSchedule(resolveOptimizerConfig({ name: 'adamw', schedule: 'cosine', warmupRatio: 0.1 }), 100);
    expect(s(5)).toBeCloseTo(0.5, 12);
    expect(s(10)).toBeCloseTo(1, 12);
  });
});
