import { describe, expect, it } from 'vitest';
import { philoxRef, randomRef } from './philox.ref.js';
import { randNormal, randUniform } from './random.js';

describe('Philox random tensors', () => {
  it('the CPU Philox matches the Random123 known-answer vector', () => {
    // Random123 kat_vectors: philox4x32 10 rounds, counter = key = 0.
    expect(philoxRef([0, 0, 0, 0], [0, 0]).map((v) => v.toString(16))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
  });
  it('GPU uniform equals the reference bit for bit (odd length)', async () => {
    const gpu = await randUniform([1, 1001], { seed: 42, low: -2, high: 3 }).readF32();
    expect(gpu).toBeAllclose(randomRef('uniform', 1001, 42, 0, -2, 3), { rtol: 1e-6, atol: 1e-6 });
  });
  it('GPU normal equals the reference and has the right moments', async () => {
    const n = 40_003;
    const gpu = await randNormal([n], { seed: 7, stream: 3, mean: 1, std: 2 }).readF32();
    expect(gpu.subarray(0, 999)).toBeAllclose(randomRef('normal', 999, 7, 3, 1, 2), { rtol: 1e-4, atol: 1e-4 });
    const mean = gpu.reduce((a, b) => a + b, 0) / n;
    const variance = gpu.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.05);
  });
  it('same seed same tensor; other seed or stream another', async () => {
    const a = await randUniform([64], { seed: 1 }).readF32();
    const b = await randUniform([64], { seed: 1 }).readF32();
    const c = await randUniform([64], { seed: 2 }).readF32();
    const d = await randUniform([64], { seed: 1, stream: 1 }).readF32();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
  });
});
