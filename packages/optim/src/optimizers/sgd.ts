/** Gradient descent and its momentum and sign variants, each a chain of elementwise stages. */
import { chain } from '../combine.js';
import { flag } from '../registry/fields.js';
import { defineOptimizer } from '../registry/define.js';
import { unit, weightDecay } from '../registry/knobs.js';
import { addDecayedWeights, scaleByLearningRate, scaleBySign, traceMomentum } from '../transforms/elementwise.js';

/** θ ← θ − lr·(g + wd·θ). */
export const SGD = defineOptimizer({
  name: 'sgd',
  learningRate: 1e-3,
  summary: 'plain gradient descent',
  reference: 'Robbins & Monro 1951',
  hyper: { weightDecay: weightDecay(0) },
  make: (o) => chain(addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});

/** Heavy-ball momentum b ← μb + g, θ ← θ − lr·b (PyTorch SGD, dampening 0); Nesterov θ ← θ − lr·(g + μb). */
export const MOMENTUM = defineOptimizer({
  name: 'momentum',
  learningRate: 1e-3,
  summary: 'heavy-ball momentum (PyTorch SGD, dampening 0)',
  reference: 'Polyak 1964',
  hyper: { momentum: unit('momentum μ', 0.9), nesterov: flag('Nesterov look-ahead').default(false), weightDecay: weightDecay(0) },
  make: (o) => chain(traceMomentum({ decay: o.momentum, nesterov: o.nesterov }), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});

/** Nesterov momentum: θ ← θ − lr·(g + μb). */
export const NESTEROV = defineOptimizer({
  name: 'nesterov',
  learningRate: 1e-3,
  summary: 'Nesterov momentum',
  reference: 'Nesterov 1983; Sutskever et al. 2013',
  hyper: { momentum: unit('momentum μ', 0.9), weightDecay: weightDecay(0) },
  make: (o) => MOMENTUM.create({ ...o, nesterov: true }),
});

/** signSGD: θ ← θ − lr·(sign(g) + wd·θ). */
export const SIGNSGD = defineOptimizer({
  name: 'signsgd',
  learningRate: 1e-3,
  summary: 'signSGD: θ ← θ − lr·sign(g)',
  reference: 'Bernstein et al. 2018',
  hyper: { weightDecay: weightDecay(0) },
  make: (o) => chain(scaleBySign(), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});

/** Signum: the sign of EMA momentum, θ ← θ − lr·sign(μb + (1−μ)g). */
export const SIGNUM = defineOptimizer({
  name: 'signum',
  learningRate: 1e-3,
  summary: 'sign of EMA momentum',
  reference: 'Bernstein et al. 2018',
  hyper: { momentum: unit('momentum μ', 0.9), weightDecay: weightDecay(0) },
  make: (o) => chain(traceMomentum({ decay: o.momentum, ema: true }), scaleBySign(), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});
