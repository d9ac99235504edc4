/**
 * The optimizers added after the seeds against float64 references written from their papers
 * (recent.ref.ts): 10 steps on random gradients, through the fused path and the plain chain.
 */
import { describe, expect, it } from 'vitest';
import { scope, tensor, zeros } from '@optimlab/tensor-wgpu';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { createOptimizer } from './optimizer.js';
import { ademamix, muon, normuon, soap } from './alias.js';
import { ademamixAlpha, ademamixBeta3 } from './transforms/ademamix.js';
import * as ref from './recent.ref.js';
import { compareWithRef, type RefCase } from './test/compare-ref.js';

const STEPS = 10;
const MATRICES = { w1: [6, 5], w2: [4, 9], w3: [7, 7], stack: [3, 5, 7] };
const ATTENTION = { 'attn.qkv.weight': [12, 4], 'mlp.w': [6, 5], 'qkv.square': [7, 7] };
/** Blocks per matrix as the split rule defines them (written out here, not imported). */
const qkvBlocks = (perProjection: number) => (name: string, shape: readonly number[]): number => (name.includes('qkv') && shape[0] === 3 * shape[1]! ? 3 * perProjection : 1);

/** Square and of full rank, so that the eigenbases are unique up to signs (the update is sign-invariant). */
const SQUARE = { w1: [6, 6], w2: [5, 5], w3: [8, 8] };

const CASES: Record<string, RefCase & { shapes: Record<string, number[]> }> = {
  soap: {
    make: () => soap({ learningRate: 0.003, updateEvery: 3 }),
    ref: ref.soapRef(0.003, 0.95, 0.95, 1e-8, 0.01, 3),
    shapes: SQUARE,
  },
  'soap (sides over maxPreconditionDim 6 not rotated; a 4×9 matrix rotated on its rows only)': {
    make: () => soap({ learningRate: 0.003, updateEvery: 3, maxPreconditionDim: 6 }),
    ref: ref.soapRef(0.003, 0.95, 0.95, 1e-8, 0.01, 3, 6),
    shapes: { w1: [6, 6], w2: [4, 9], w3: [8, 8] },
  },
  'soap (β1 0.9, β2 0.99, wd 0.1, refresh every 4)': {
    make: () => soap({ learningRate: 0.01, b1: 0.9, b2: 0.99, weightDecay: 0.1, updateEvery: 4 }),
    ref: ref.soapRef(0.01, 0.9, 0.99, 1e-8, 0.1, 4),
    shapes: SQUARE,
  },
  ademamix: {
    make: () => ademamix({ learningRate: 0.01, b3: 0.99, alpha: 5, weightDecay: 0.1 }),
    ref: ref.ademamixRef({ lr: 0.01, b1: 0.9, b2: 0.999, b3: 0.99, alpha: 5, eps: 1e-8, wd: 0.1, alphaWarmup: 0, b3Warmup: 0 }),
    shapes: { a: [13], b: [5, 7] },
  },
  'ademamix (α and β3 warmups)': {
    make: () => ademamix({ learningRate: 0.01, b3: 0.999, alpha: 8, alphaWarmup: 6, b3Warmup: 7 }),
    ref: ref.ademamixRef({ lr: 0.01, b1: 0.9, b2: 0.999, b3: 0.999, alpha: 8, eps: 1e-8, wd: 0, alphaWarmup: 6, b3Warmup: 7 }),
    shapes: { a: [13], b: [5, 7] },
  },
  normuon: {
    make: () => normuon({ learningRate: 0.02, weightDecay: 0.1 }),
    ref: ref.normuonRef(0.02, 0.95, 0.95, 1e-8, 0.1, 5),
    shapes: MATRICES,
  },
  'normuon (β2 0.9, 3 NS steps)': {
    make: () => normuon({ learningRate: 0.05, b2: 0.9, nsSteps: 3 }),
    ref: ref.normuonRef(0.05, 0.95, 0.9, 1e-8, 0, 3),
    shapes: MATRICES,
  },
  "muon split 'qkv'": {
    make: () => muon({ learningRate: 0.02, weightDecay: 0.1, split: 'qkv' }),
    ref: ref.muonBlocksRef(0.02, 0.95, 0.1, 5, qkvBlocks(1)),
    shapes: ATTENTION,
  },
  "muon split 'heads' (2 heads)": {
    make: () => muon({ learningRate: 0.02, split: 'heads', heads: 2 }),
    ref: ref.muonBlocksRef(0.02, 0.95, 0, 5, qkvBlocks(2)),
    shapes: ATTENTION,
  },
  "muon split 'fused' (the default)": {
    make: () => muon({ learningRate: 0.02 }),
    ref: ref.muonBlocksRef(0.02, 0.95, 0, 5, () => 1),
    shapes: ATTENTION,
  },
};

describe.each(Object.entries(CASES))('%s follows its published rule', (_name, c) => {
  it.each([true, false])('fused path allowed: %s', async (fused) => {
    const err = await compareWithRef(c, { shapes: c.shapes, steps: STEPS, fused });
    expect(err, `relative error ${err.toExponential(2)}`).toBeLessThan(1e-4);
  });
});

describe('AdEMAMix warmups', () => {
  it('α rises linearly to α at T_α; β3 goes from β1 to β3 with the time scale 1/ln β linear in t', () => {
    expect([1, 3, 6, 9].map((t) => ademamixAlpha(t, 8, 6))).toEqual([8 / 6, 4, 8, 8]);
    expect(ademamixAlpha(1, 8, 0)).toBe(8);
    expect(ademamixBeta3(0, 0.9, 0.9999, 100)).toBeCloseTo(0.9, 12);
    const mid = ademamixBeta3(50, 0.9, 0.9999, 100);
    expect(1 / Math.log(mid)).toBeCloseTo((1 / Math.log(0.9) + 1 / Math.log(0.9999)) / 2, 6);
    expect(ademamixBeta3(100, 0.9, 0.9999, 100)).toBe(0.9999);
    expect(ademamixBeta3(5, 0.9, 0.9999, 0)).toBe(0.9999);
    expect(ademamixBeta3(50, 1e-12, 0.99, 100)).toBeCloseTo(ademamixBeta3(50, 0, 0.99, 100), 3); // β1 = 0: the limit
    expect(ademamixBeta3(50, 0, 0.99, 100)).toBeCloseTo(0.99 ** 2, 12);
  });
});

describe('NorMuon on a matrix with no update', () => {
  it('an expert slice that gets no gradient stays finite and where it was (the norm is floored)', async () => {
    const w = tensor(randomArray(3 * 5 * 7, 1), [3, 5, 7]).keep();
    const before = await w.read();
    const opt = createOptimizer(normuon({ learningRate: 0.05 }), { w });
    for (let t = 0; t < 3; t++) {
      const g = randomArray(3 * 5 * 7, 10 + t).fill(0, 35, 70); // slice 1: no tokens, no gradient
      scope(() => opt.step({ w: tensor(g, [3, 5, 7]) }));
    }
    const after = await w.read();
    expect(after.every(Number.isFinite)).toBe(true);
    expect(after.subarray(35, 70)).toEqual(before.subarray(35, 70));
    expect(after.subarray(0, 35)).not.toEqual(before.subarray(0, 35));
    opt.dispose();
    w.dispose();
  });
});

describe('Muon split', () => {
  it("'heads' without heads is refused, naming the fix", () => {
    const qkv = zeros([12, 4]);
    expect(() => muon({ learningRate: 0.02, split: 'heads' }).init({ 'attn.qkv.weight': qkv })).toThrow(/needs heads/);
    expect(() => muon({ learningRate: 0.02, split: 'heads', heads: 3 }).init({ 'attn.qkv.weight': qkv })).toThrow(/needs heads.*got 3/);
    qkv.dispose();
  });
});
