import { describe, expect, it } from 'vitest';
import { backward, noGrad, requireGrad, scopeAsync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { crossEntropyRef, randomArray } from '@optimlab/tensor-wgpu/testing';
import { makeConfig } from './presets.js';
import { countParameters, initParams, parameterShapes } from './params.js';
import { forward, lastLogits } from './model.js';
import { modelLossRef } from './model.ref.js';

describe('config and parameters', () => {
  it('the thesis preset has exactly 79,059,840 parameters (22,436,736 outside the experts)', () => {
    expect(countParameters(makeConfig('thesis'))).toEqual({ total: 79_059_840, nonExpert: 22_436_736 });
  });
  it('bad configs name the field and the fix', () => {
    expect(() => makeConfig('smoke', { topK: 5 })).toThrow(/config.topK: 5 cannot exceed config.numExperts \(4\)/);
    expect(() => makeConfig('smoke', { dModel: 33 })).toThrow(/divisible by config.nHeads/);
    expect(() => makeConfig('smoke', { dropout: 1 })).toThrow(/config.dropout: must be a number in \[0, 1\)/);
    expect(() => makeConfig('smoke', { nLayers: 0 })).toThrow(/config.nLayers: must be an integer in \[1, 1024\], got 0/);
  });
  it('init: N(0, 0.02) weights, unit norms, reproducible', async () => {
    const c = makeConfig('smoke');
    const a = initParams(c, 42);
    const b = initParams(c, 42);
    const w = await a['blocks.0.attn.qkv.weight']!.readF32();
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.002);
    expect(Array.from(await a['norm.weight']!.read()).every((v) => v === 1)).toBe(true);
    expect(await b['blocks.0.attn.qkv.weight']!.read()).toEqual(w);
  });
});

describe('forward', () => {
  it('gives finite CE near ln(V) at init, with per-layer utilisation that sums to 1', async () => {
    const c = makeConfig('smoke');
    const params = initParams(c, 1);
    await scopeAsync(async () => {
      const ids = tensor(Array.from({ length: 2 * 16 }, (_, i) => (i * 7) % c.vocabSize), [2, 16], 'i32');
      const r = forward(c, params, ids, ids, { training: true, seed: 3 });
      const ce = await r.ce.item();
      expect(Math.abs(ce - Math.log(c.vocabSize))).toBeLessThan(1);
      expect(Number.isFinite(await r.loss.item())).toBe(true);
      const u = await r.utilisation[0]!.readF32();
      expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    });
  });
});

describe('sampling logits', () => {
  it('lastLogits gives the head of the last position only, the one the fused loss scores', async () => {
    const c = makeConfig('smoke', { dropout: 0 });
    const params = initParams(c, 4);
    const T = 9;
    const ids = Array.from({ length: T }, (_, i) => (i * 5 + 2) % c.vocabSize);
    const target = 17;
    await scopeAsync(async () => {
      const logits = noGrad(() => lastLogits(c, params, tensor(ids, [1, T], 'i32')));
      expect(logits.shape).toEqual([1, c.vocabSize]);
      const targets = [...new Array<number>(T - 1).fill(-100), target];
      const r = noGrad(() => forward(c, params, tensor(ids, [1, T], 'i32'), tensor(targets, [1, T], 'i32'), { training: false }));
      expect(await r.ce.item()).toBeCloseTo(crossEntropyRef(await logits.read(), [target], c.vocabSize), 5);
    });
  });
});

describe('full-model gradient check (tiny size)', () => {
  it('every parameter gradient matches central differences of the float64 model', async () => {
    const c = makeConfig('smoke', { vocabSize: 11, dModel: 8, nHeads: 2, nLayers: 1, dFF: 6, numExperts: 3, topK: 2, seqLen: 5, dropout: 0 });
    const [B, T] = [1, 5];
    const ids = [3, 1, 4, 1, 5];
    const targets = [1, 4, 1, 5, -100];
    const shapes = parameterShapes(c);
    // Larger-than-default weights so every path carries signal above f32 noise.
    const init: Record<string, Float64Array> = {};
    Object.entries(shapes).forEach(([name, shape], k) => {
      const n = shape.reduce((a, b) => a * b, 1);
      init[name] = name.includes('norm') ? randomArray(n, 100 + k, 0.5, 1.5) : randomArray(n, 100 + k, -0.5, 0.5);
    });
    const params: Record<string, Tensor> = Object.fromEntries(Object.entries(init).map(([n, a]) => [n, requireGrad(tensor(a, shapes[n]!).keep())]));
    await scopeAsync(async () => {
      const r = forward(c, params, tensor(ids, [B, T], 'i32'), tensor(targets, [B, T], 'i32'), { training: false, aux: true });
      const refLoss = modelLossRef(c, init, ids, targets, B, T);
      expect(await r.loss.item()).toBeCloseTo(refLoss, 4);
      backward(r.loss);
    });
    const h = 1e-6;
    for (const [name, values] of Object.entries(init)) {
      const grad = params[name]!.grad;
      if (!grad) throw new Error(`no gradient for ${name}`);
      const got = await grad.read();
      const fd = new Float64Array(values.length);
      for (let i = 0; i < values.length; i++) {
        const keep = values[i]!;
        values[i] = keep + h;
        const up = modelLossRef(c, init, ids, targets, B, T);
        values[i] = keep - h;
        const down = modelLossRef(c, init, ids, targets, B, T);
        values[i] = keep;
        fd[i] = (up - down) / (2 * h);
      }
      let num = 0;
      let den = 1e-12;
      for (let i = 0; i < fd.length; i++) {
        num = Math.max(num, Math.abs(got[i]! - fd[i]!));
        den = Math.max(den, Math.abs(fd[i]!));
      }
      expect(num / den, `${name}: relative error ${(num / den).toExponential(2)}`).toBeLessThan(1e-3);
    }
  });
});
