import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scope, Tensor, tensor } from '@optimlab/tensor-wgpu';
import type { GradientTransformation } from './base.js';
import { createOptimizer } from './optimizer.js';
import { ademamix, adamw, muon, muonWithAdamW, shampoo } from './alias.js';
import { makeOptimizer } from './registry/registry.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';

const SHAPES = { 'h.w': [5, 4], 'attn.qkv.w': [12, 4], 'norm.w': [4] } as const;
type Shapes = Record<string, readonly number[]>;
const MATRICES: Shapes = { 'h.w': SHAPES['h.w'], 'attn.qkv.w': SHAPES['attn.qkv.w'] };
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const make = (shapes: Shapes, seed: number, zero = false): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, tensor(zero ? new Array(size(s)).fill(0) : randomArray(size(s), seed + k), s).keep()]));

/** Every tensor of a state, in a fixed order, as bytes. */
async function stateBytes(value: unknown): Promise<Uint8Array[]> {
  if (value instanceof Tensor) return [new Uint8Array((await value.read()).buffer)];
  if (!value || typeof value !== 'object') return [];
  const out: Uint8Array[] = [];
  for (const key of Object.keys(value).sort()) out.push(...(await stateBytes((value as Record<string, unknown>)[key])));
  return out;
}
const bytesOf = async (params: Record<string, Tensor>): Promise<Uint8Array[]> => Promise.all(Object.keys(params).sort().map(async (n) => new Uint8Array((await params[n]!.read()).buffer)));

describe.each([
  ['adamw', () => adamw({ learningRate: 0.01 }), SHAPES],
  ['muon + adamw (both branches)', () => muonWithAdamW({ muon: { learningRate: 0.02 }, adamw: { learningRate: 0.001 } }), SHAPES],
  ['shampoo', () => shampoo({ learningRate: 0.01, updateEvery: 3 }), MATRICES],
  ['ademamix', () => ademamix({ learningRate: 0.01, alphaWarmup: 7, b3Warmup: 7 }), SHAPES],
  ['normuon+adamw (both branches)', () => makeOptimizer('normuon+adamw', { learningRate: 0.02 }), SHAPES],
  ["muon split 'heads'", () => muon({ learningRate: 0.02, split: 'heads', heads: 2 }), MATRICES],
  ['soap+adamw (both branches)', () => makeOptimizer('soap+adamw', { learningRate: 0.003, updateEvery: 3 }), SHAPES],
] as [string, () => GradientTransformation<any>, Shapes][])('checkpoint of %s', (_name, build, shapes) => {
  it('save at step 5, load into a fresh optimizer, continue: every parameter and every state tensor bit-exact with the uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-ckpt-'));
    const path = join(dir, 'opt.safetensors');
    const grads = (t: number): Record<string, Tensor> => Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, tensor(randomArray(size(s), 100 * t + k), s)]));
    const params = make(shapes, 1);
    const opt = createOptimizer(build(), params);
    for (let t = 0; t < 5; t++) scope(() => opt.step(grads(t)));
    await saveCheckpoint(path, opt, params);
    for (let t = 5; t < 10; t++) scope(() => opt.step(grads(t)));

    const params2 = make(shapes, 1, true);
    const opt2 = createOptimizer(build(), params2);
    await loadCheckpoint(path, opt2, params2);
    expect(opt2.steps).toBe(5);
    for (let t = 5; t < 10; t++) scope(() => opt2.step(grads(t)));
    expect(await bytesOf(params2)).toEqual(await bytesOf(params));
    const [saved, resumed] = [await stateBytes(opt.state), await stateBytes(opt2.state)];
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed).toEqual(saved);
    opt.dispose();
    opt2.dispose();
  });
});

describe('checkpoint errors', () => {
  it('a parameter missing from the file is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-ckpt-'));
    const path = join(dir, 'opt.safetensors');
    const params = { a: tensor([1, 2]).keep() };
    await saveCheckpoint(path, createOptimizer(adamw({ learningRate: 0.1 }), params), params);
    const other = { b: tensor([1, 2]).keep() };
    await expect(loadCheckpoint(path, createOptimizer(adamw({ learningRate: 0.1 }), other), other)).rejects.toThrow(/has no parameter "b"/);
  });
});
