/**
 * The elementwise transformations (see elementwise-transform.ts for the body's names). Each maps an
 * incoming update u (gradient or an earlier stage's output) to a direction; none applies a learning
 * rate or a sign flip except `scaleByLearningRate`, which comes last. They take every knob
 * explicitly: the defaults live in the optimizer's registry entry, once.
 */
import { checkHyper, learningRateAt, valueAt, type ScalarOrSchedule } from '../base.js';
import { elementwiseTransform, type ElementwiseTransformation } from './elementwise-transform.js';
import { muonScale, type MuonScale } from './muon-scale.js';
import { matrixShape, type SplitOptions } from './qkv-split.js';

type Tx = ElementwiseTransformation;

export interface TraceOptions {
  /** Momentum μ ∈ [0, 1). */
  readonly decay: ScalarOrSchedule;
  /** Nesterov: the direction looks one step ahead. */
  readonly nesterov?: boolean;
  /**
   * EMA form b ← μb + (1−μ)u (Muon's `lerp`; Nesterov direction (1−μ)u + μb) instead of the
   * heavy-ball b ← μb + u (Nesterov direction u + μb), as in PyTorch SGD.
   */
  readonly ema?: boolean;
}

/** Momentum (heavy ball or EMA), optionally Nesterov. State: momentum (zeros). */
export function traceMomentum({ decay, nesterov = false, ema = false }: TraceOptions): Tx {
  checkHyper('momentum', decay, { min: 0, max: 1 });
  const accumulate = ema ? 'momentum = beta * momentum + (1.0 - beta) * u;' : 'momentum = beta * momentum + u;';
  const direction = nesterov ? (ema ? '(1.0 - beta) * u + beta * momentum' : 'u + beta * momentum') : 'momentum';
  return elementwiseTransform({
    name: `trace:${ema}:${nesterov}`,
    body: `${accumulate} next = ${direction};`,
    state: ['momentum'],
    scalars: (count) => ({ beta: valueAt(decay, count - 1) }),
  });
}

export interface AdamOptions {
  readonly b1: number;
  readonly b2: number;
  /** Added to √v̂ (outside the root). */
  readonly eps: number;
  /** Added to v̂ inside the root (default 0). */
  readonly epsRoot?: number;
}

/** Adam's direction m̂ / (√(v̂ + eps_root) + eps), bias-corrected (Kingma & Ba 2015). State: mu, nu. */
export function scaleByAdam({ b1, b2, eps, epsRoot = 0 }: AdamOptions): Tx {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-adam',
    body: /* wgsl */ `
      mu = b1 * mu + (1.0 - b1) * u;
      nu = b2 * nu + (1.0 - b2) * u * u;
      next = (mu / bc1) / (sqrt(nu / bc2 + epsRoot) + eps);`,
    state: ['mu', 'nu'],
    scalars: (t) => ({ b1, b2, bc1: 1 - b1 ** t, bc2: 1 - b2 ** t, eps, epsRoot }),
  });
}

/** Lion's direction sign(b1·m + (1−b1)·u), then m ← b2·m + (1−b2)·u (Chen et al. 2023). State: mu. */
export function scaleByLion({ b1, b2 }: { b1: number; b2: number }): Tx {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  return elementwiseTransform({
    name: 'scale-by-lion',
    body: 'next = sign(b1 * mu + (1.0 - b1) * u); mu = b2 * mu + (1.0 - b2) * u;',
    state: ['mu'],
    scalars: () => ({ b1, b2 }),
  });
}

/** sign(u) (signSGD, Bernstein et al. 2018). */
export function scaleBySign(): Tx {
  return elementwiseTransform({ name: 'scale-by-sign', body: 'next = sign(u);', state: [], scalars: () => ({}) });
}

/** AdaGrad (PyTorch form): S ← S + u², direction u / (√S + eps); S starts at `initialAccumulator`. */
export function scaleByRss({ initialAccumulator, eps }: { initialAccumulator: number; eps: number }): Tx {
  checkHyper('eps', eps, { min: 0 });
  checkHyper('initialAccumulator', initialAccumulator, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-rss',
    body: 'sumOfSquares = sumOfSquares + u * u + initial; next = u / (sqrt(sumOfSquares) + eps);',
    state: ['sumOfSquares'],
    scalars: (t) => ({ eps, initial: t === 1 ? initialAccumulator : 0 }),
  });
}

/** RMSProp (PyTorch form): v ← αv + (1−α)u², direction u / (√v + eps). */
export function scaleByRms({ decay, eps }: { decay: number; eps: number }): Tx {
  checkHyper('decay', decay, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-rms',
    body: 'nu = alpha * nu + (1.0 - alpha) * u * u; next = u / (sqrt(nu) + eps);',
    state: ['nu'],
    scalars: () => ({ alpha: decay, eps }),
  });
}

/** Muon's shape scale s·u for each matrix (rows, cols = the last two dims of the matrices it is orthogonalised as; see muonScale). */
export function scaleByShape(scale: MuonScale, split: SplitOptions = { split: 'fused', heads: 1 }): Tx {
  return elementwiseTransform({
    name: 'scale-by-shape',
    body: 'next = s * u;',
    state: [],
    scalars: (_t, shape, name) => {
      const m = matrixShape(name, shape, split);
      return { s: muonScale(m[m.length - 2]!, m[m.length - 1]!, scale) };
    },
  });
}

/** u + wd·θ (decoupled weight decay once scaled by the learning rate; Loshchilov & Hutter 2019). */
export function addDecayedWeights(weightDecay: ScalarOrSchedule): Tx {
  checkHyper('weight decay', weightDecay, { min: 0 });
  return elementwiseTransform({
    name: 'add-decayed-weights',
    body: 'next = u + wd * p;',
    state: [],
    usesParams: true,
    scalars: (count) => ({ wd: valueAt(weightDecay, count - 1) }),
  });
}

/** −lr(step)·u: the last stage, turning a direction into a descent update. */
export function scaleByLearningRate(learningRate: ScalarOrSchedule): Tx {
  checkHyper('learning rate', learningRate, { min: 0, minInclusive: false });
  return elementwiseTransform({
    name: 'scale-by-learning-rate',
    body: 'next = -lr * u;',
    state: [],
    scalars: (count) => ({ lr: learningRateAt(learningRate, count - 1) }),
  });
}
