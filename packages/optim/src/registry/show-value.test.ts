import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, real } from './fields.js';
import { showValue, truncate } from './show-value.js';

describe('showValue: one short line, whatever the value', () => {
  it('names non-finite numbers (JSON would print null)', () => {
    expect(showValue(Infinity)).toBe('Infinity');
    expect(showValue(-Infinity)).toBe('-Infinity');
    expect(showValue(NaN)).toBe('NaN');
    expect(showValue(1.5)).toBe('1.5');
  });
  it('cuts a long string to 60 characters and names its length', () => {
    const shown = showValue('x'.repeat(1_048_576));
    expect(shown).toBe(`"${'x'.repeat(60)}"… (1,048,576 characters)`);
    expect(showValue('fast')).toBe('"fast"');
  });
  it('shows containers one level deep, cut short, without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i++) deep = [deep]; // JSON.stringify overflows the stack on this
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(showValue(deep)).toBe('[[…]]');
    expect(showValue({ a: 1, b: 'x' })).toBe('{"a": 1, "b": "x"}');
    const wide = showValue(Array.from({ length: 100_000 }, (_, i) => i));
    expect(wide).toMatch(/^\[0, 1, 2, 3, 4, 5, 6, 7, …\] \(100,000 items\)$/);
    expect(showValue(null)).toBe('null');
    expect(showValue(undefined)).toBe('nothing');
  });
  it('truncate leaves short text alone', () => {
    expect(truncate('abc')).toBe('abc');
    expect(truncate('abcdef', 3)).toBe('abc… (6 characters)');
  });
});

describe('formatIssues through showValue', () => {
  const schema = z.strictObject({ lr: real('lr', { min: 0, max: 1 }), model: z.strictObject({ d: real('d') }) });
  const message = (input: unknown): string => formatIssues(schema.safeParse(input).error!, input);
  it('shows Infinity by name, a 1 MB value cut short, and a deep value without overflowing', () => {
    expect(message({ lr: Infinity, model: { d: 1 } })).toBe('lr: must be a number in [0, 1], got Infinity');
    const huge = message({ lr: 'y'.repeat(1_000_000), model: { d: 1 } });
    expect(huge.length).toBeLessThan(200);
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(message({ lr: 0.5, model: deep })).toMatch(/^model: .*, got \[\[…\]\]$/);
  });
  it('cuts a huge unknown key and keeps the first three issues', () => {
    const input = { lr: 0.5, model: { d: 1 }, ['k'.repeat(100_000)]: 1 };
    expect(message(input).length).toBeLessThan(200);
    const many = formatIssues(z.object({ a: z.number(), b: z.number(), c: z.number(), d: z.number(), e: z.number() }).safeParse({}).error!, {});
    expect(many).toMatch(/\(and 2 more\)$/);
  });
});
