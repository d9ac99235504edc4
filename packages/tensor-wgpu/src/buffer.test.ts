import { describe, expect, it } from 'vitest';
import { memoryStats, resetPeakMemory, sizeClass } from './buffer.js';
import { zeros } from './creation.js';

describe('memory statistics', () => {
  it('peaks record the high-water mark of live and held bytes until reset', () => {
    resetPeakMemory();
    const start = memoryStats();
    const big = zeros([1000, 300]); // 1.2 MB: a size class no other test leaves in the pool
    const bytes = sizeClass(1000 * 300 * 4);
    expect(memoryStats().peakLiveBytes).toBe(start.liveBytes + bytes);
    big.dispose();
    const after = memoryStats();
    expect(after.liveBytes).toBe(start.liveBytes);
    expect(after.peakLiveBytes).toBe(start.liveBytes + bytes);
    expect(after.peakBytes).toBeGreaterThanOrEqual(after.peakLiveBytes);
    resetPeakMemory();
    expect(memoryStats().peakLiveBytes).toBe(start.liveBytes);
  });
});
