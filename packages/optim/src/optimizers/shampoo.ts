/** Shampoo, practical form (see advanced/shampoo.ts): θ ← θ − lr·L^(−1/4)·u·R^(−1/4). 2-D only. */
import { scaleByShampoo } from '../advanced/shampoo.js';
import { chain } from '../combine.js';
import { integer } from '../registry/fields.js';
import { defineOptimizer } from '../registry/define.js';
import { positive, unit } from '../registry/knobs.js';
import { scaleByLearningRate } from '../transforms/elementwise.js';

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
    updateEvery: integer('recompute the inverse roots every this many steps', { min: 1 }).default(1),
    rootIterations: integer('coupled-Newton iterations per root', { min: 1, max: 100 }).default(30),
  },
  make: ({ learningRate, ...o }) => chain(scaleByShampoo(o), scaleByLearningRate(learningRate)),
});
