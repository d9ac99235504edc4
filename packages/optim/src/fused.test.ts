/**
 * Every registry optimizer's fused step equals its chain of transformations (update, then
 * applyUpdates) step for step: the fused kernels are composed from the stages' own bodies.
 */
import { describe, expect, it } from 'vitest';
import { membersPerDispatch, runtimeStats, scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { createOptimizer } from './optimizer.js';
import { linear } from './schedules.js';
import { findOptimizer, makeOptimizer, optimizerNames } from './registry/registry.js';

/** Options that move every knob off its default where that matters for the arithmetic. */
const OPTIONS: Record<string, Record<string, unknown>> = {
  sgd: { weightDecay: 0.05 },
  momentum: { weightDecay: 0.01 },
  nesterov: { momentum: 0.8 },
  adamw: { b2: 0.95, weightDecay: 0.1 },
  lion: { weightDecay: 0.3 },
  adagrad: { initialAccumulator: 0.1 },
  signsgd: { weightDecay: 0.1 },
  signum: { weightDecay: 0.1 },
  muon: { weightDecay: 0.1 },
};

describe.each(optimizerNames())('fused %s', (name) => {
  it('equals the chained transformations over 8 steps (odd sizes, a schedule)', async () => {
    const r = findOptimizer(name)!;
    const shapes = r.params === 'any' ? { a: [13], b: [5, 7] } : { a: [13, 3], b: [5, 7] };
    const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
    const run = async (fused: boolean): Promise<Float32Array[]> => {
      const params: Record<string, Tensor> = {
        a: tensor(randomArray(size(shapes.a), 1), shapes.a).keep(),
        b: tensor(randomArray(size(shapes.b), 2), shapes.b).keep(),
      };
      const tx = makeOptimizer(name, { learningRate: 0.01, ...OPTIONS[name] }, linear(1, 0.1, 8));
      const opt = createOptimizer(tx, params);
      for (let t = 0; t < 8; t++) {
        scope(() => {
          const grads = { a: tensor(randomArray(size(shapes.a), 10 + t), shapes.a), b: tensor(randomArray(size(shapes.b), 20 + t), shapes.b) };
          opt.step(grads, { fused, loss: tensor([2 - 0.1 * t], [1]) });
        });
      }
      const out = [await params['a']!.readF32(), await params['b']!.readF32()];
      opt.dispose();
      Object.values(params).forEach((p) => p.dispose());
      return out;
    };
    const [fusedA, fusedB] = await run(true);
    const [chainA, chainB] = await run(false);
    expect(fusedA).toBeAllclose(chainA!, { rtol: 1e-6, atol: 1e-6 });
    expect(fusedB).toBeAllclose(chainB!, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe('grouped dispatches', () => {
  it('a fused AdamW step updates all parameters in ⌈n / members per dispatch⌉ dispatches, bitwise equal to one at a time', async () => {
    const shapes = [[13], [5, 7], [64], [3, 300], [1], [33, 9], [257]];
    const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
    const make = () => makeOptimizer('adamw', { learningRate: 0.01, b2: 0.95, weightDecay: 0.1 }, linear(1, 0.1, 8));
    const init = (i: number) => tensor(randomArray(size(shapes[i]!), 1 + i), shapes[i]!).keep();
    const grad = (i: number, t: number) => tensor(randomArray(size(shapes[i]!), 100 + 10 * i + t), shapes[i]!);
    const together = Object.fromEntries(shapes.map((_, i) => [`p${i}`, init(i)]));
    const opt = createOptimizer(make(), together);
    let dispatches = 0;
    for (let t = 0; t < 3; t++) {
      const before = runtimeStats().dispatches;
      scope(() => opt.step(Object.fromEntries(shapes.map((_, i) => [`p${i}`, grad(i, t)])), { fused: true }));
      dispatches = runtimeStats().dispatches - before;
    }
    // AdamW's fused kernel: gradient, parameter, mu, nu per member; 8 scalars (Adam's 6, wd, lr).
    expect(dispatches).toBe(Math.ceil(shapes.length / membersPerDispatch(4, 8)));
    expect(dispatches).toBeLessThan(shapes.length);
    for (const [i] of shapes.entries()) {
      const alone = { w: init(i) };
      const single = createOptimizer(make(), alone);
      for (let t = 0; t < 3; t++) scope(() => single.step({ w: grad(i, t) }, { fused: true }));
      expect(Array.from(await together[`p${i}`]!.readF32())).toEqual(Array.from(await alone.w.readF32()));
      single.dispose();
    }
    opt.dispose();
  });
});
