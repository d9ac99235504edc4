/**
 * The registry: every name builds and steps, defaults are filled in and documented, bad options
 * name the field and range, and the `+adamw` splits equal the hand-built thesis hybrid.
 */
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { muonWithAdamW } from '../alias.js';
import { createOptimizer } from '../optimizer.js';
import { fieldInfo } from './fields.js';
import { defineOptimizer } from './define.js';
import { findOptimizer, makeOptimizer, optimizerNames, OPTIMIZERS, registerOptimizers, resolveHyper, unsupportedParameter } from './registry.js';
import { MUON } from '../optimizers/muon.js';
import { real } from './fields.js';

const SHAPES: Record<string, number[]> = { 'h.w': [6, 5], 'h.experts': [2, 4, 3], 'norm.w': [5], embed: [7, 5] };

function fresh(seed: number, shapes: Record<string, number[]> = SHAPES): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(shapes).map(([n, s], i) => [n, tensor(randomArray(s.reduce((a, b) => a * b, 1), seed + i), s).keep()]));
}

async function stepped(make: () => ReturnType<typeof makeOptimizer>, shapes = SHAPES, steps = 3): Promise<Record<string, Float32Array>> {
  const params = fresh(1, shapes);
  const opt = createOptimizer(make(), params);
  for (let t = 0; t < steps; t++) {
    scope(() => {
      const grads = fresh(100 + t * 10, shapes);
      opt.step(grads, { loss: tensor([2.5], []) });
      for (const g of Object.values(grads)) g.dispose();
    });
  }
  const out = Object.fromEntries(await Promise.all(Object.entries(params).map(async ([n, p]) => [n, (await p.read()) as Float32Array] as const)));
  for (const p of Object.values(params)) p.dispose();
  return out;
}

describe('optimizers added by a module (registerOptimizers)', () => {
  const HALF_MUON = defineOptimizer({
    name: 'half-muon', learningRate: 0.02, summary: 'Muon at half the step', reference: 'a test', params: 'matrices',
    hyper: { momentum: real('EMA momentum', { min: 0, max: 1, maxExclusive: true }).default(0.95) },
    make: (o) => MUON.create({ learningRate: (t: number) => 0.5 * (typeof o.learningRate === 'number' ? o.learningRate : o.learningRate(t)), momentum: o.momentum }),
  });

  it('join the registry with their +adamw split, build and step, and leave again', async () => {
    const undo = registerOptimizers([HALF_MUON]);
    try {
      expect(optimizerNames()).toEqual(expect.arrayContaining(['half-muon', 'half-muon+adamw']));
      expect(resolveHyper('half-muon+adamw')).toMatchObject({ momentum: 0.95, adamwWeightDecay: 0.1 });
      const matrices = { 'h.w': [6, 5] };
      const half = await stepped(() => makeOptimizer('half-muon', { learningRate: 0.02 }), matrices);
      const muon = await stepped(() => makeOptimizer('muon', { learningRate: 0.01 }), matrices);
      expect([...half['h.w']!]).toEqual([...muon['h.w']!]); // half of 0.02 is Muon at 0.01
      expect(() => registerOptimizers([HALF_MUON])).not.toThrow(); // the same entry again: nothing new
    } finally {
      undo();
    }
    expect(findOptimizer('half-muon')).toBeUndefined();
  });

  it('may not shadow a built-in, clash with each other, or use an odd name', () => {
    expect(() => registerOptimizers([{ ...HALF_MUON, name: 'adamw' }])).toThrow(/"adamw" is a built-in optimizer and cannot be replaced: give yours another name/);
    const undo = registerOptimizers([HALF_MUON]);
    try {
      expect(() => registerOptimizers([{ ...HALF_MUON }])).toThrow(/two optimizers are named "half-muon"/);
    } finally {
      undo();
    }
    expect(() => registerOptimizers([{ ...HALF_MUON, name: 'Half Muon+adamw' }])).toThrow(/not a usable optimizer name/);
    expect(findOptimizer('adamw')!.spec).toBe(OPTIMIZERS.adamw);
  });
});

describe('optimizer registry', () => {
  it('lists each base optimizer once and the +adamw split of each matrix optimizer', () => {
    const names = optimizerNames();
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['adamw', 'muon', 'muon+adamw', 'shampoo+adamw', 'muonh+adamw', 'muonmax-momo']));
    expect(names).not.toContain('adamw+adamw');
    expect(findOptimizer('adamw+adamw')).toBeUndefined();
    expect(findOptimizer('sgd')?.params).toBe('any');
    expect(findOptimizer('muon')?.params).toBe('matrices');
    expect(findOptimizer('muonh')?.params).toBe('matrices');
    expect(findOptimizer('shampoo')?.params).toBe('matrices2d');
    expect(findOptimizer('muon+adamw')?.params).toBe('any');
  });

  it('fills in documented defaults and every hyperparameter has a description', () => {
    expect(resolveHyper('muon')).toEqual({ momentum: 0.95, nesterov: true, nsSteps: 5, coefficients: 'keller', scale: 'original', split: 'fused', heads: 0, weightDecay: 0 });
    expect(resolveHyper('muon+adamw', { nsSteps: 3 })).toMatchObject({ nsSteps: 3, adamwWeightDecay: 0.1 });
    for (const [name, spec] of Object.entries(OPTIMIZERS)) {
      for (const [field, schema] of Object.entries(spec.hyper.shape)) expect(fieldInfo(schema).description, `${name}.${field}`).toBeTruthy();
    }
  });

  it('rejects bad options naming the field and its range', () => {
    expect(() => resolveHyper('muon', { momentum: 1.5 })).toThrow(/^muon: momentum: must be a number in \[0, 1\), got 1.5$/);
    expect(() => resolveHyper('muon', { nsSteps: -1 })).toThrow(/nsSteps: must be an integer in \[1, 20\], got -1/);
    expect(() => resolveHyper('muon', { nsSteps: 2.5 })).toThrow(/nsSteps: must be an integer/);
    expect(() => resolveHyper('adamw', { nsSteps: 3 })).toThrow(/adamw: .*nsSteps/);
    expect(() => resolveHyper('muon', { coefficients: 'fast' })).toThrow(/coefficients: must be one of keller, polarExpress, dion, got "fast"/);
    expect(() => resolveHyper('sgd', { weightDecay: 'big' })).toThrow(/weightDecay: must be a number in \[0, 1000000\], got "big"/);
    expect(() => makeOptimizer('adamw', { learningRate: 0 })).toThrow(/learningRate must be a number > 0/);
    expect(() => makeOptimizer('adamx', { learningRate: 1 })).toThrow(/Unknown optimizer "adamx". Known: sgd, momentum/);
  });

  it('says which parameters a matrix optimizer cannot take', () => {
    expect(unsupportedParameter('muon', 'norm.w', [5])).toMatch(/muon is for weight matrices only, but "norm.w" has shape \[5\]: use muon\+adamw/);
    expect(unsupportedParameter('muon', 'h.experts', [2, 4, 3])).toBeUndefined();
    expect(unsupportedParameter('muonh', 'h.experts', [2, 4, 3])).toBeUndefined();
    expect(unsupportedParameter('shampoo', 'h.experts', [2, 4, 3])).toMatch(/shampoo\+adamw/);
    expect(unsupportedParameter('muon+adamw', 'norm.w', [5])).toBeUndefined();
  });

  it('muon+adamw steps exactly like the hand-built thesis hybrid', async () => {
    const ours = await stepped(() => makeOptimizer('muon+adamw', { learningRate: 0.05, momentum: 0.9, adamwWeightDecay: 0.2 }));
    const theirs = await stepped(() => muonWithAdamW({ muon: { learningRate: 0.05, momentum: 0.9 }, adamw: { learningRate: 0.005, weightDecay: 0.2 } }));
    for (const n of Object.keys(SHAPES)) expect(ours[n]!, n).toBeAllclose(theirs[n]!, { rtol: 1e-6, atol: 1e-7 });
  });

  it('a learning-rate multiplier scales the AdamW group too', async () => {
    const half = await stepped(() => makeOptimizer('muon+adamw', { learningRate: 0.05 }, () => 0.5));
    const direct = await stepped(() => makeOptimizer('muon+adamw', { learningRate: 0.025, adamwLearningRate: 0.0025 }));
    for (const n of Object.keys(SHAPES)) expect(half[n]!, n).toBeAllclose(direct[n]!, { rtol: 1e-6, atol: 1e-7 });
  });

  it('every name builds a transformation that takes finite steps on parameters it accepts', async () => {
    for (const name of optimizerNames()) {
      const r = findOptimizer(name)!;
      const shapes = r.params === 'any' ? SHAPES : r.params === 'matrices' ? { 'h.w': [6, 5], 'h.experts': [2, 4, 3] } : { 'h.w': [6, 5] };
      const before = Object.fromEntries(await Promise.all(Object.entries(fresh(1, shapes)).map(async ([n, p]) => [n, await p.read()] as const)));
      const after = await stepped(() => makeOptimizer(name, { learningRate: 0.01 }), shapes, 2);
      for (const [n, v] of Object.entries(after)) {
        expect(v.every(Number.isFinite), `${name} ${n}`).toBe(true);
        expect(v, `${name} ${n} moved`).not.toEqual(before[n]);
      }
    }
  }, 120_000);
});
