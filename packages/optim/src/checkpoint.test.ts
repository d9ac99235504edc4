import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { GradientTransformation } from './base.js';
import { createOptimizer } from './optimizer.js';
import { adamw, muonWithAdamW, shampoo } from './alias.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';

const SHAPES = { 'h.w': [5, 4], 'norm.w': [4] } as const;
const fresh = (): Record<string, Tensor> => ({ 'h.w': tensor(randomArray(20, 1), SHAPES['h.w']).keep(), 'norm.w': tensor(randomArray(4, 2), SHAPES['norm.w']).keep() });
const grads = (t: number): Record<string, Tensor> => ({ 'h.w': tensor(randomArray(20, 100 + t), SHAPES['h.w']), 'norm.w': tensor(randomArray(4, 200 + t), SHAPES['norm.w']) });

describe.each([
  ['adamw', () => adamw({ learningRate: 0.01 })],
  ['muon + adamw', () => muonWithAdamW({ muon: { learningRate: 0.02 }, adamw: { learningRate: 0.001 } })],
  ['shampoo', () => shampoo({ learningRate: 0.01, updateEvery: 3 })],
] as [string, () => GradientTransformation<any>][])('checkpoint of %s', (name, make) => {
  it('save at step 5, load into a fresh optimizer, continue: bit-exact with the uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-ckpt-'));
    const path = join(dir, 'opt.safetensors');
    const only = name === 'shampoo' ? (g: Record<string, Tensor>) => ({ 'h.w': g['h.w']! }) : (g: Record<string, Tensor>) => g;
    const params: Record<string, Tensor> = name === 'shampoo' ? { 'h.w': fresh()['h.w']! } : fresh();
    const opt = createOptimizer(make(), params);
    for (let t = 0; t < 5; t++) scope(() => opt.step(only(grads(t))));
    await saveCheckpoint(path, opt, params);
    for (let t = 5; t < 10; t++) scope(() => opt.step(only(grads(t))));
    const uninterrupted = await params['h.w']!.read();

    const params2: Record<string, Tensor> = name === 'shampoo' ? { 'h.w': tensor(new Array(20).fill(0), [5, 4]).keep() } : { 'h.w': tensor(new Array(20).fill(0), [5, 4]).keep(), 'norm.w': tensor([0, 0, 0, 0]).keep() };
    const opt2 = createOptimizer(make(), params2);
    await loadCheckpoint(path, opt2, params2);
    expect(opt2.steps).toBe(5);
    for (let t = 5; t < 10; t++) scope(() => opt2.step(only(grads(t))));
    const resumed = await params2['h.w']!.read();
    expect(new Uint8Array(resumed.buffer)).toEqual(new Uint8Array(uninterrupted.buffer));
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
