import { describe, expect, it } from 'vitest';
import { ones, runtimeStats, scope, tensor, zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { chain, partition } from './combine.js';
import { createOptimizer, optimizerByName } from './optimizer.js';
import { adamw, muon, muonWithAdamW, sgd, thesisLabels } from './alias.js';
import { clipByGlobalNorm, clipGradientsInPlace } from './transforms/clip-by-global-norm.js';
import { scaleByAdemamix } from './transforms/ademamix.js';
import { scaleByAdam, scaleByLearningRate, traceMomentum } from './transforms/elementwise.js';

describe('partition', () => {
  it('labels the thesis way: hidden 2-D and 3-D expert stacks → muon; embeddings, norms, vectors → adamw', () => {
    const p = (shape: number[]): Tensor => zeros(shape);
    expect(thesisLabels('blocks.0.attn.qkv.weight', p([12, 4]))).toBe('muon');
    expect(thesisLabels('blocks.0.moe.router.weight', p([8, 4]))).toBe('muon');
    expect(thesisLabels('blocks.0.moe.experts.w1', p([2, 8, 4]))).toBe('muon');
    expect(thesisLabels('embed.weight', p([50, 4]))).toBe('adamw');
    expect(thesisLabels('blocks.0.norm1.weight', p([4]))).toBe('adamw');
  });
  it('routes each parameter to its own transformation', async () => {
    const params = { 'hidden.w': tensor([1, 2, 3, 4], [2, 2]).keep(), 'norm.w': tensor([1, 1]).keep() };
    const tx = partition((name) => (name.startsWith('hidden') ? 'a' : 'b'), { a: sgd({ learningRate: 1 }), b: sgd({ learningRate: 0.5 }) });
    const opt = createOptimizer(tx, params);
    scope(() => opt.step({ 'hidden.w': ones([2, 2]), 'norm.w': ones([2]) }));
    expect(Array.from(await params['hidden.w'].read())).toEqual([0, 1, 2, 3]);
    expect(Array.from(await params['norm.w'].read())).toEqual([0.5, 0.5]);
  });
  it('a label without a transformation is an error naming the parameter', () => {
    expect(() => partition(() => 'x', { a: sgd({ learningRate: 1 }) }).init({ w: zeros([2]) })).toThrow(/"w" got label "x"/);
  });
  it('muonWithAdamW runs Muon on matrices and AdamW on the rest', async () => {
    const params = { 'h.w': tensor([1, 0, 0, 1, 1, 1], [3, 2]).keep(), 'norm.w': tensor([1, 1]).keep() };
    const opt = createOptimizer(muonWithAdamW({ muon: { learningRate: 0.02 }, adamw: { learningRate: 0.001 } }), params);
    scope(() => opt.step({ 'h.w': tensor([1, 2, 3, 4, 5, 6], [3, 2]), 'norm.w': tensor([1, -1]) }));
    const norm = await params['norm.w'].read();
    // AdamW's first step moves each coordinate by lr·(1 + wd) in the gradient's sign direction.
    expect(norm[0]).toBeCloseTo(1 - 0.001 * (1 + 0.01), 6);
    expect(norm[1]).toBeCloseTo(1 + 0.001 - 0.001 * 0.01, 6);
  });
});

describe('clip by global norm', () => {
  it('scales all updates together to the max norm, and leaves small ones alone', async () => {
    const tx = chain(clipByGlobalNorm(1), scaleByLearningRate(1));
    const u = { a: tensor([3, 0]), b: tensor([0, 4]) }; // global norm 5
    const out = tx.update(u, tx.init(u), { params: u });
    expect(await out['a']!.read()).toBeAllclose([-0.6, 0]);
    expect(await out['b']!.read()).toBeAllclose([0, -0.8]);
    const small = { a: tensor([0.3, 0.4]) };
    expect(await chain(clipByGlobalNorm(1)).update(small, [null], { params: small })['a']!.read()).toBeAllclose([0.3, 0.4]);
  });
});

describe('clipGradientsInPlace', () => {
  it('equals the clipByGlobalNorm transformation', async () => {
    const a = randomArray(7, 1, -3, 3);
    const b = randomArray(5, 2, -3, 3);
    const grads = { a: tensor(a), b: tensor(b) };
    const expected = chain(clipByGlobalNorm(0.5)).update({ a: tensor(a), b: tensor(b) }, [null], { params: grads });
    clipGradientsInPlace(grads, 0.5);
    expect(await grads.a.read()).toBeAllclose(await expected['a']!.read(), { rtol: 1e-6 });
    expect(await grads.b.read()).toBeAllclose(await expected['b']!.read(), { rtol: 1e-6 });
  });
});

describe('bad input', () => {
  it('names the problem', () => {
    expect(() => optimizerByName('adamx', { learningRate: 1 })).toThrow(/Unknown optimizer "adamx". Known: sgd, momentum/);
    expect(() => adamw({ learningRate: -1 })).toThrow(/learning rate must be a finite number in \(0, Infinity\), got -1/);
    expect(() => sgd({ learningRate: NaN })).toThrow(/learning rate must be a finite number/);
    expect(() => optimizerByName('momentum', { learningRate: 0.1, momentum: 1 })).toThrow(/momentum: must be a number in \[0, 1\), got 1/);
    expect(() => optimizerByName('momentum', { learningRate: 0.1, momentum: -0.1 })).toThrow(/momentum: must be a number in \[0, 1\), got -0.1/);
    expect(() => createOptimizer(muon({ learningRate: 0.02 }), { 'norm.weight': zeros([4]) })).toThrow(
      /Muon needs 2-D parameters \(or 3-D stacks of them\), but "norm.weight" has shape \[4\]: route it to AdamW with partition\(\)/,
    );
  });
  it('a schedule that turns negative is caught when used', () => {
    const opt = createOptimizer(sgd({ learningRate: (t) => 0.1 - t }), { w: zeros([2]) });
    scope(() => opt.step({ w: ones([2]) }));
    expect(() => scope(() => opt.step({ w: ones([2]) }))).toThrow(/learning rate schedule gave -0.9 at step 1/);
  });
});

describe('Muon on a 3-D stack of expert matrices', () => {
  it('equals Muon on each matrix separately', async () => {
    const g = randomArray(3 * 6 * 4, 5);
    const w = randomArray(3 * 6 * 4, 6);
    const stacked = { experts: tensor(w, [3, 6, 4]).keep() };
    const opt = createOptimizer(muon({ learningRate: 0.02 }), stacked);
    scope(() => opt.step({ experts: tensor(g, [3, 6, 4]) }));
    const separate: Record<string, Tensor> = {};
    for (let e = 0; e < 3; e++) separate[`e${e}`] = tensor(w.subarray(e * 24, (e + 1) * 24), [6, 4]).keep();
    const opt2 = createOptimizer(muon({ learningRate: 0.02 }), separate);
    scope(() => opt2.step(Object.fromEntries([0, 1, 2].map((e) => [`e${e}`, tensor(g.subarray(e * 24, (e + 1) * 24), [6, 4])]))));
    const got = await stacked.experts.read();
    for (let e = 0; e < 3; e++) expect(got.subarray(e * 24, (e + 1) * 24)).toBeAllclose(await separate[`e${e}`]!.read(), { rtol: 1e-5, atol: 1e-6 });
  });

  it.each([true, false])('stacks of several layers and 2-D matrices (batched, shorter ones zero-padded) each equal their own Muon (fused %s)', async (fused) => {
    // 2 + 1 + 3 matrices of 6×4, a 4×4 and 2 of 5×4 (padded to 6 rows) in one Newton–Schulz call; a 4×6 one on its own.
    const shapes: Record<string, number[]> = { s0: [2, 6, 4], m: [6, 4], s1: [3, 6, 4], sq: [4, 4], s2: [2, 5, 4], w: [4, 6] };
    const data = (seed: number): Record<string, Float64Array> =>
      Object.fromEntries(Object.entries(shapes).map(([n, sh], i) => [n, randomArray(sh.reduce((a, b) => a * b, 1), seed + i)]));
    const [w0, g0] = [data(10), data(20)];
    const together = Object.fromEntries(Object.entries(shapes).map(([n, sh]) => [n, tensor(w0[n]!, sh).keep()]));
    const opt = createOptimizer(muon({ learningRate: 0.02 }), together);
    scope(() => opt.step(Object.fromEntries(Object.entries(shapes).map(([n, sh]) => [n, tensor(g0[n]!, sh)])), { fused }));
    for (const [n, sh] of Object.entries(shapes)) {
      const one = { [n]: tensor(w0[n]!, sh).keep() };
      const alone = createOptimizer(muon({ learningRate: 0.02 }), one);
      scope(() => alone.step({ [n]: tensor(g0[n]!, sh) }));
      expect(await together[n]!.read()).toBeAllclose(await one[n]!.read(), { rtol: 1e-5, atol: 1e-6 });
    }
  });
});

describe('chain fusion', () => {
  it('a stretch whose state needs more than 8 storage buffers runs as two kernels, equal to the chain', async () => {
    // 3 + 2 + 1 state slots, plus update, parameter and output: 9 buffers.
    const make = () => chain(scaleByAdemamix({ b1: 0.9, b2: 0.99, b3: 0.999, alpha: 2, eps: 1e-8, alphaWarmup: 0, b3Warmup: 0 }), scaleByAdam({ b1: 0.8, b2: 0.9, eps: 1e-8 }), traceMomentum({ decay: 0.5 }), scaleByLearningRate(0.01));
    const run = async (fused: boolean): Promise<{ w: Float32Array; dispatches: number }> => {
      const w = tensor(randomArray(13, 1), [13]).keep();
      const opt = createOptimizer(make(), { w });
      let dispatches = 0;
      for (let t = 0; t < 3; t++) {
        const before = runtimeStats().dispatches;
        scope(() => opt.step({ w: tensor(randomArray(13, 5 + t), [13]) }, { fused }));
        dispatches = runtimeStats().dispatches - before;
      }
      const out = { w: (await w.read()) as Float32Array, dispatches };
      opt.dispose();
      w.dispose();
      return out;
    };
    const [fused, plain] = [await run(true), await run(false)];
    expect(fused.dispatches).toBe(2);
    expect(fused.w).toBeAllclose(plain.w, { rtol: 1e-6, atol: 1e-7 });
  });
});

