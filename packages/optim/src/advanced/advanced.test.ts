/**
 * Shampoo, MuonH, Momo, MuonMax and MuonMax-Momo against float64 references of their rules over
 * 10 steps of random gradients (and random positive losses for the loss-using ones). The Muon
 * family is checked on 3-D expert stacks too: each [m, n] slice is its own matrix.
 */
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { GradientTransformation } from '../base.js';
import { createOptimizer } from '../optimizer.js';
import { momo, muonH, muonMax, muonMaxMomo, muonMomo, shampoo } from '../alias.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { momoRef, muonHRef, muonMaxRef, shampooRef, type ModelStep, type Named, type Shapes } from './advanced.ref.js';
import { inverseRoot } from './inverse-root.js';
import { matrixPower } from '../test/matrix-power.js';

const STEPS = 10;
const MATRICES: Shapes = { 'h.w1': [6, 5], 'h.w2': [4, 8] };
const MIXED: Shapes = { 'h.w1': [6, 5], 'h.w2': [4, 8], 'norm.w': [5] };
/** Expert stacks of wide and tall slices, sizes off every tile multiple. */
const STACKS: Shapes = { 'h.w1': [6, 5], 'h.experts.w1': [3, 5, 7], 'h.experts.w2': [2, 7, 5] };
const STACKS_MIXED: Shapes = { ...STACKS, 'norm.w': [5] };
const STACK_MUON = ['h.w1', 'h.experts.w1', 'h.experts.w2'];

async function compare(shapes: Shapes, make: () => GradientTransformation<any>, ref: (init: Named) => ModelStep): Promise<number> {
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  const init: Named = Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, randomArray(size(s), 40 + k)]));
  const grads = Array.from({ length: STEPS }, (_, t) => Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, randomArray(size(s), 500 + 10 * t + k)])));
  const losses = randomArray(STEPS, 77, 2, 5);
  const params: Record<string, Tensor> = Object.fromEntries(Object.entries(init).map(([n, a]) => [n, tensor(a, shapes[n]!).keep()]));
  const opt = createOptimizer(make(), params);
  for (let t = 0; t < STEPS; t++) {
    scope(() => opt.step(Object.fromEntries(Object.entries(grads[t]!).map(([n, a]) => [n, tensor(a, shapes[n]!)])), { loss: tensor([losses[t]!], []) }));
  }
  const expected: Named = Object.fromEntries(Object.entries(init).map(([n, a]) => [n, Float64Array.from(a)]));
  const step = ref(init);
  for (let t = 0; t < STEPS; t++) step(expected, grads[t]!, losses[t]!);
  let worst = 0;
  for (const n of Object.keys(shapes)) {
    const got = await params[n]!.read();
    let num = 0;
    let den = 1e-30;
    for (let i = 0; i < got.length; i++) {
      num = Math.max(num, Math.abs(got[i]! - expected[n]![i]!));
      den = Math.max(den, Math.abs(expected[n]![i]! - init[n]![i]!));
    }
    worst = Math.max(worst, num / den);
  }
  return worst;
}

describe('optimizers with cross-layer or matrix-function state follow their rules', () => {
  it.each([
    ['shampoo', MATRICES, () => shampoo({ learningRate: 0.01 }), () => shampooRef(MATRICES, 0.01)],
    ['muonh', MATRICES, () => muonH({ learningRate: 0.05 }), (init: Named) => muonHRef(MATRICES, init, 0.05)],
    ['momo', MIXED, () => momo({ learningRate: 0.5 }), () => momoRef(MIXED, 0.5)],
    ['muonmax', MIXED, () => muonMax({ learningRate: 0.001, weightDecay: 0.1 }), () => muonMaxRef(MIXED, ['h.w1', 'h.w2'], { lr: 0.001, wd: 0.1 })],
    ['muonmax-momo', MIXED, () => muonMaxMomo({ learningRate: 0.01 }), () => muonMaxRef(MIXED, ['h.w1', 'h.w2'], { lr: 0.01, truncateLoss: 0 })],
    ['muon-momo', MIXED, () => muonMomo({ learningRate: 0.01, weightDecay: 0.1 }), () => muonMaxRef(MIXED, ['h.w1', 'h.w2'], { lr: 0.01, truncateLoss: 0, lmo: true, wd: 0.1 })],
    ['muon-momo, truncated (lr above the Momo bound)', MIXED, () => muonMomo({ learningRate: 50 }), () => muonMaxRef(MIXED, ['h.w1', 'h.w2'], { lr: 50, truncateLoss: 0, lmo: true })],
    ['muonh, 3-D stacks (one sphere per slice)', STACKS, () => muonH({ learningRate: 0.05 }), (init: Named) => muonHRef(STACKS, init, 0.05)],
    ['muonmax, 3-D stacks', STACKS_MIXED, () => muonMax({ learningRate: 0.001, weightDecay: 0.1 }), () => muonMaxRef(STACKS_MIXED, STACK_MUON, { lr: 0.001, wd: 0.1 })],
    ['muonmax-momo, 3-D stacks', STACKS_MIXED, () => muonMaxMomo({ learningRate: 0.01 }), () => muonMaxRef(STACKS_MIXED, STACK_MUON, { lr: 0.01, truncateLoss: 0 })],
    ['muon-momo, 3-D stacks', STACKS_MIXED, () => muonMomo({ learningRate: 0.01, weightDecay: 0.1 }), () => muonMaxRef(STACKS_MIXED, STACK_MUON, { lr: 0.01, truncateLoss: 0, lmo: true, wd: 0.1 })],
  ] as const)('%s: 10 steps, relative error < 1e-4', async (_name, shapes, make, ref) => {
    const err = await compare(shapes, make, ref);
    expect(err, `relative error ${err.toExponential(2)}`).toBeLessThan(1e-4);
  });

  it('the coupled-Newton inverse 4th root matches the eigendecomposition', async () => {
    const n = 7;
    const b = randomArray(n * n, 3);
    const spd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let acc = i === j ? 0.1 : 0;
      for (let k = 0; k < n; k++) acc += b[i * n + k]! * b[j * n + k]!;
      spd[i * n + j] = acc;
    }
    const got = await inverseRoot(tensor(spd, [n, n])).read();
    expect(got).toBeAllclose(matrixPower(spd, n, -0.25), { rtol: 1e-4, atol: 1e-5 });
  });

  it('Momo and MuonMax-Momo ask for the loss', () => {
    const opt = createOptimizer(momo({ learningRate: 1 }), { w: tensor([1, 2]).keep() });
    expect(() => scope(() => opt.step({ w: tensor([1, 1]) }))).toThrow(/Momo needs the loss/);
  });
});
