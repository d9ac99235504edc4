/** Adam, AdamW and the adaptive methods before them (AdaGrad, RMSProp), PyTorch forms. */
import { chain } from '../combine.js';
import { defineOptimizer } from '../registry/define.js';
import { nonNegative, positive, unit, weightDecay } from '../registry/knobs.js';
import { integer } from '../registry/fields.js';
import { scaleByAdemamix } from '../transforms/ademamix.js';
import { addDecayedWeights, scaleByAdam, scaleByLearningRate, scaleByRms, scaleByRss } from '../transforms/elementwise.js';

const adamHyper = {
  b1: unit('first-moment EMA β1', 0.9),
  b2: unit('second-moment EMA β2', 0.999),
  eps: positive('ε added to √v̂', 1e-8),
};

/** AdamW (Loshchilov & Hutter 2019): θ ← θ − lr·(m̂/(√v̂ + eps) + wd·θ). PyTorch defaults, wd 0.01. */
export const ADAMW = defineOptimizer({
  name: 'adamw',
  learningRate: 1e-3,
  summary: 'AdamW, decoupled weight decay',
  reference: 'Loshchilov & Hutter 2019',
  hyper: { ...adamHyper, weightDecay: weightDecay(0.01) },
  make: (o) => chain(scaleByAdam(o), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});

/** Adam (Kingma & Ba 2015) = AdamW without weight decay. */
export const ADAM = defineOptimizer({
  name: 'adam',
  learningRate: 1e-3,
  summary: 'Adam (no weight decay)',
  reference: 'Kingma & Ba 2015',
  hyper: adamHyper,
  make: (o) => chain(scaleByAdam(o), scaleByLearningRate(o.learningRate)),
});

/** AdaGrad (Duchi et al. 2011), PyTorch form: θ ← θ − lr·g/(√Σg² + eps). */
export const ADAGRAD = defineOptimizer({
  name: 'adagrad',
  learningRate: 1e-2,
  summary: 'AdaGrad, PyTorch form',
  reference: 'Duchi et al. 2011',
  hyper: { eps: positive('ε added to √Σg²', 1e-10), initialAccumulator: nonNegative('initial Σg²', 0) },
  make: (o) => chain(scaleByRss(o), scaleByLearningRate(o.learningRate)),
});

/** RMSProp (Tieleman & Hinton 2012), PyTorch form: v ← αv + (1−α)g², θ ← θ − lr·g/(√v + eps). */
export const RMSPROP = defineOptimizer({
  name: 'rmsprop',
  learningRate: 1e-2,
  summary: 'RMSProp, PyTorch form',
  reference: 'Tieleman & Hinton 2012',
  hyper: { decay: unit('EMA α of g²', 0.99), eps: positive('ε added to √v', 1e-8) },
  make: (o) => chain(scaleByRms(o), scaleByLearningRate(o.learningRate)),
});

/**
 * AdEMAMix (Pagliardini, Ablin & Grangier 2024, arXiv:2409.03137, Algorithm 1): AdamW whose
 * numerator adds α times a slow EMA (β3) to the fast one. Defaults as the authors' code
 * (apple/ml-ademamix): β (0.9, 0.999, 0.9999), α 2, ε 1e-8, wd 0, no warmups; the paper
 * recommends warmups of α and β3 over the whole run for short runs.
 */
export const ADEMAMIX = defineOptimizer({
  name: 'ademamix',
  learningRate: 1e-3,
  summary: 'AdEMAMix: AdamW plus α times a slow momentum EMA (β3)',
  reference: 'Pagliardini, Ablin & Grangier 2024 (arXiv:2409.03137)',
  hyper: {
    b1: unit('fast EMA β1', 0.9),
    b2: unit('second-moment EMA β2', 0.999),
    b3: unit('slow EMA β3', 0.9999),
    alpha: nonNegative('weight α of the slow EMA', 2),
    eps: positive('ε added to √v̂', 1e-8),
    alphaWarmup: integer('steps of α\'s linear warmup (0: none)', { min: 0, max: 1e9 }).default(0),
    b3Warmup: integer('steps of β3\'s warmup from β1 (0: none)', { min: 0, max: 1e9 }).default(0),
    weightDecay: weightDecay(0),
  },
  make: (o) => chain(scaleByAdemamix(o), addDecayedWeights(o.weightDecay), scaleByLearningRate(o.learningRate)),
});
