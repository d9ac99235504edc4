/**
 * Every optimizer against a float64 reference of its published rule: 10 steps on random
 * gradients, the parameters' displacement compared with relative error < 1e-4, through both the
 * fused path (where the optimizer has one) and the plain chain.
 */
import { describe, expect, it } from 'vitest';
import { adagrad, adam, adamw, lion, momentum, muon, nesterov, rmsprop, sgd, signSgd, signum } from './alias.js';
import { warmupCosineDecay } from './schedules.js';
import * as ref from './rules.ref.js';
import { compareWithRef, type RefCase } from './test/compare-ref.js';

const SHAPES: Record<string, number[]> = { w1: [6, 5], w2: [4, 9], w3: [7, 7] };
const STEPS = 10;
const schedule = warmupCosineDecay({ peak: 0.01, totalSteps: STEPS, warmupRatio: 0.2, alpha: 0.1 });

const CASES: Record<string, RefCase> = {
  sgd: { make: () => sgd({ learningRate: 0.1, weightDecay: 0.01 }), ref: ref.sgdRef(0.1, 0.01) },
  momentum: { make: () => momentum({ learningRate: 0.05, momentum: 0.9 }), ref: ref.momentumRef(0.05, 0.9, false) },
  nesterov: { make: () => nesterov({ learningRate: 0.05, momentum: 0.9 }), ref: ref.momentumRef(0.05, 0.9, true) },
  adagrad: { make: () => adagrad({ learningRate: 0.1 }), ref: ref.adagradRef(0.1, 1e-10) },
  rmsprop: { make: () => rmsprop({ learningRate: 0.01 }), ref: ref.rmspropRef(0.01, 0.99, 1e-8) },
  adam: { make: () => adam({ learningRate: 0.01 }), ref: ref.adamwRef(() => 0.01, 0.9, 0.999, 1e-8, 0) },
  adamw: { make: () => adamw({ learningRate: 0.01, weightDecay: 0.1 }), ref: ref.adamwRef(() => 0.01, 0.9, 0.999, 1e-8, 0.1) },
  'adamw (warmup-cosine schedule)': {
    make: () => adamw({ learningRate: schedule, b2: 0.95, weightDecay: 0.1 }),
    ref: ref.adamwRef((t) => schedule(t - 1), 0.9, 0.95, 1e-8, 0.1),
  },
  signsgd: { make: () => signSgd({ learningRate: 0.01 }), ref: ref.signSgdRef(0.01) },
  signum: { make: () => signum({ learningRate: 0.01, momentum: 0.9 }), ref: ref.signumRef(0.01, 0.9) },
  lion: { make: () => lion({ learningRate: 0.001, weightDecay: 0.1 }), ref: ref.lionRef(0.001, 0.9, 0.99, 0.1) },
  muon: { make: () => muon({ learningRate: 0.02, weightDecay: 0.1 }), ref: ref.muonRef(0.02, 0.95, 0.1, 5) },
  'muon (no Nesterov, 3 NS steps)': { make: () => muon({ learningRate: 0.02, nesterov: false, nsSteps: 3 }), ref: ref.muonRef(0.02, 0.95, 0, 3, false) },
};

describe.each(Object.entries(CASES))('%s follows its published rule', (_name, c) => {
  it.each([true, false])('fused path allowed: %s', async (fused) => {
    const err = await compareWithRef(c, { shapes: SHAPES, steps: STEPS, fused });
    expect(err, `relative error ${err.toExponential(2)}`).toBeLessThan(1e-4);
  });
});
