/** Shampoo (practical form) and SOAP (Adam in Shampoo's eigenbasis): 2-D matrices only. */
import { scaleBySoap, soapStep } from '../advanced/soap.js';
import { scaleByShampoo } from '../advanced/shampoo.js';
import { chain } from '../combine.js';
import { integer, real } from '../registry/fields.js';
import { defineOptimizer } from '../registry/define.js';
import { positive, unit, weightDecay } from '../registry/knobs.js';
import { scaleByLearningRate } from '../transforms/elementwise.js';

/** θ ← θ − lr·L^(−1/4)·u·R^(−1/4) (see advanced/shampoo.ts). */
export const SHAMPOO = defineOptimizer({
  name: 'shampoo',
  learningRate: 0.1,
  summary: 'Shampoo, practical form with heavy-ball momentum (2-D matrices only)',
  reference: 'Gupta, Koren & Singer 2018',
  params: 'matrices2d',
  hyper: {
    beta: unit('EMA of the statistics', 0.95),
    momentum: unit('heavy-ball momentum', 0.9),
    eps: positive('ridge before the inverse root', 1e-4),
    updateEvery: integer('recompute the inverse roots every this many steps', { min: 1, max: 1_000_000 }).default(1),
    rootIterations: integer('coupled-Newton iterations per root', { min: 1, max: 100 }).default(30),
  },
  make: ({ learningRate, ...o }) => chain(scaleByShampoo(o), scaleByLearningRate(learningRate)),
});

/** SOAP (see advanced/soap.ts), the reference code's defaults and README usage (lr 3e-3). */
export const SOAP = defineOptimizer({
  name: 'soap',
  learningRate: 3e-3,
  summary: "SOAP: Adam in the eigenbasis of Shampoo's preconditioner (2-D matrices only)",
  reference: 'Vyas et al. 2024 (arXiv:2409.11321; nikhilvyas/SOAP)',
  params: 'matrices2d',
  hyper: {
    b1: unit('first-moment EMA β1', 0.95),
    b2: unit('second-moment EMA β2', 0.95),
    shampooBeta: real('EMA of the preconditioner statistics L, R (−1: β2)', { min: -1, max: 1, maxExclusive: true })
      .refine((v) => v === -1 || v >= 0, { error: 'must be -1 (β2) or a number in [0, 1)' })
      .default(-1),
    eps: positive('ε added to √v', 1e-8),
    updateEvery: integer('refresh the eigenbases every this many steps', { min: 1, max: 1e6 }).default(10),
    maxPreconditionDim: integer('a side longer than this is not rotated', { min: 0, max: 1e6 }).default(10000),
    weightDecay: weightDecay(0.01),
  },
  make: ({ learningRate, weightDecay: wd, ...o }) => chain(scaleBySoap(o), soapStep(learningRate, wd)),
});
