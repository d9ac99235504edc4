/** Lion (Chen et al. 2023), lucidrains defaults: b1 0.9, b2 0.99, wd 0. */
import { chain } from '../combine.js';
import { defineOptimizer } from '../registry/define.js';
import { unit, weightDecay } from '../registry/knobs.js';
import { addDecayedWeights, scaleByLearningRate, scaleByLion } from '../transforms/elementwise.js';

export const LION = defineOptimizer({
  name: 'lion',
  learningRate: 1e-4,
  summary: 'Lion: sign of interpolated momentum',
  reference: 'Chen et al. 2023',
  hyper: { b1: unit('interpolation β1', 0.9), b2: unit('momentum β2', 0.99), weightDecay: weightDecay(0) },
  make: (o) => chain(scaleByLion(o), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});
