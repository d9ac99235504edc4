/** Each fused kernel equals its chain(...) composition step for step (optax apply_every-style). */
import { describe, expect, it } from 'vitest';
import { scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { GradientTransformation } from '../base.js';
import { createOptimizer } from '../optimizer.js';
import { adagrad, adamw, lion, momentum, muon, nesterov, rmsprop, sgd, signSgd, signum } from '../alias.js';
import { linear } from '../schedules.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';

const FUSED: Record<string, () => GradientTransformation<any>> = {
  sgd: () => sgd({ learningRate: linear(0.1, 0.01, 6), weightDecay: 0.05 }),
  momentum: () => momentum({ learningRate: 0.05, momentum: 0.9, weightDecay: 0.01 }),
  nesterov: () => nesterov({ learningRate: 0.05, momentum: 0.8 }),
  adamw: () => adamw({ learningRate: linear(0.01, 0.001, 6), b2: 0.95, weightDecay: 0.1 }),
  lion: () => lion({ learningRate: 0.001, weightDecay: 0.3 }),
  adagrad: () => adagrad({ learningRate: 0.1, initialAccumulator: 0.1 }),
  rmsprop: () => rmsprop({ learningRate: 0.01 }),
  signsgd: () => signSgd({ learningRate: 0.01, weightDecay: 0.1 }),
  signum: () => signum({ learningRate: 0.01, weightDecay: 0.1 }),
  muon: () => muon({ learningRate: 0.02, weightDecay: 0.1 }),
};
const MATRIX_ONLY = new Set(['muon']);

describe.each(Object.entries(FUSED))('fused %s', (name, make) => {
  it('equals the chained transformations over 8 steps (odd sizes)', async () => {
    const shapes = MATRIX_ONLY.has(name) ? { a: [13, 1], b: [5, 7] } : { a: [13], b: [5, 7] };
    const run = async (fused: boolean): Promise<Float32Array[]> => {
      const params: Record<string, Tensor> = {
        a: tensor(randomArray(13, 1), shapes.a).keep(),
        b: tensor(randomArray(35, 2), shapes.b).keep(),
      };
      const opt = createOptimizer(make(), params);
      for (let t = 0; t < 8; t++) {
        scope(() => opt.step({ a: tensor(randomArray(13, 10 + t), shapes.a), b: tensor(randomArray(35, 20 + t), shapes.b) }, { fused }));
      }
      const out = [await params['a']!.readF32(), await params['b']!.readF32()];
      Object.values(params).forEach((p) => p.dispose());
      return out;
    };
    const [fusedA, fusedB] = await run(true);
    const [chainA, chainB] = await run(false);
    expect(fusedA).toBeAllclose(chainA!, { rtol: 1e-6, atol: 1e-6 });
    expect(fusedB).toBeAllclose(chainB!, { rtol: 1e-6, atol: 1e-6 });
  });
});
