import { describe, expect, it } from 'vitest';
import { differingFields } from './run-config.js';

describe('differingFields', () => {
  it('names the differing paths in the config’s order, an array whole', () => {
    const a = { preset: 'cpu', optimizer: { name: 'adamw', learningRate: 0.1, b: [1, 2] }, steps: 10 };
    const b = { preset: 'cpu', optimizer: { name: 'lion', learningRate: 0.1, b: [1, 3] }, steps: 20, extra: true };
    expect(differingFields(a, b)).toEqual(['optimizer.name', 'optimizer.b', 'steps', 'extra']);
    expect(differingFields(a, structuredClone(a))).toEqual([]);
    expect(differingFields(null, a)).toEqual(['']);
  });
  it('walks a value nested 100,000 deep (the recursive version overflowed at ~10,000) without overflowing the stack', () => {
    let deep: Record<string, unknown> = { x: 1 };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    let other: Record<string, unknown> = { x: 2 };
    for (let i = 0; i < 100_000; i++) other = { a: other };
    const found = differingFields({ settings: deep }, { settings: other });
    expect(found).toHaveLength(1);
    expect(found[0]!.endsWith('.a.x')).toBe(true);
  });
});
