/**
 * The elementwise transformations (see elementwise-transform.ts for the body conventions). Each
 * maps an incoming update u (gradient or an earlier stage's output) to a direction; none applies a
 * learning rate or a sign flip except `scaleByLearningRate`, which comes last.
 */
import { checkHyper, learningRateAt, valueAt, type GradientTransformation, type ScalarOrSchedule } from '../base.js';
import { elementwiseTransform, type ElementwiseState } from './elementwise-transform.js';

type Tx = GradientTransformation<ElementwiseState>;

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

/** Momentum (heavy ball or EMA), optionally Nesterov. State: b (zeros). */
export function traceMomentum({ decay, nesterov = false, ema = false }: TraceOptions): Tx {
  checkHyper('momentum', decay, { min: 0, max: 1 });
  const accumulate = ema ? 'out1 = s0 * out1 + (1.0 - s0) * in0;' : 'out1 = s0 * out1 + in0;';
  const direction = nesterov ? (ema ? '(1.0 - s0) * in0 + s0 * out1' : 'in0 + s0 * out1') : 'out1';
  return elementwiseTransform({
    name: `trace:${ema}:${nesterov}`,
    body: `${accumulate} out0 = ${direction};`,
    stateNames: ['momentum'],
    scalars: (count) => [valueAt(decay, count - 1)],
  });
}

export interface AdamOptions {
  readonly b1?: number;
  readonly b2?: number;
  /** Added to √v̂ (outside the root). */
  readonly eps?: number;
  /** Added to v̂ inside the root. */
  readonly epsRoot?: number;
}

/** Adam's direction m̂ / (√(v̂ + eps_root) + eps), bias-corrected (Kingma & Ba 2015). State: m, v. */
export function scaleByAdam({ b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0 }: AdamOptions = {}): Tx {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-adam',
    body: /* wgsl */ `
      out1 = s0 * out1 + (1.0 - s0) * in0;          // m
      out2 = s1 * out2 + (1.0 - s1) * in0 * in0;    // v
      out0 = (out1 / s2) / (sqrt(out2 / s3 + s5) + s4);`,
    stateNames: ['mu', 'nu'],
    scalars: (t) => [b1, b2, 1 - b1 ** t, 1 - b2 ** t, eps, epsRoot],
  });
}

/** Lion's direction sign(b1·m + (1−b1)·u), then m ← b2·m + (1−b2)·u (Chen et al. 2023). State: m. */
export function scaleByLion({ b1 = 0.9, b2 = 0.99 }: { b1?: number; b2?: number } = {}): Tx {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  return elementwiseTransform({
    name: 'scale-by-lion',
    body: 'out0 = sign(s0 * out1 + (1.0 - s0) * in0); out1 = s1 * out1 + (1.0 - s1) * in0;',
    stateNames: ['mu'],
    scalars: () => [b1, b2],
  });
}

/** sign(u) (signSGD, Bernstein et al. 2018). */
export function scaleBySign(): Tx {
  return elementwiseTransform({ name: 'scale-by-sign', body: 'out0 = sign(in0);', stateNames: [], scalars: () => [] });
}

/** AdaGrad (PyTorch form): S ← S + u², direction u / (√S + eps); S starts at `initialAccumulator`. */
export function scaleByRss({ initialAccumulator = 0, eps = 1e-10 } = {}): Tx {
  checkHyper('eps', eps, { min: 0 });
  checkHyper('initialAccumulator', initialAccumulator, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-rss',
    body: 'out1 = out1 + in0 * in0 + s1; out0 = in0 / (sqrt(out1) + s0);',
    stateNames: ['sumOfSquares'],
    scalars: (t) => [eps, t === 1 ? initialAccumulator : 0],
  });
}

/** RMSProp (PyTorch form): v ← αv + (1−α)u², direction u / (√v + eps). */
export function scaleByRms({ decay = 0.99, eps = 1e-8 } = {}): Tx {
  checkHyper('decay', decay, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  return elementwiseTransform({
    name: 'scale-by-rms',
    body: 'out1 = s0 * out1 + (1.0 - s0) * in0 * in0; out0 = in0 / (sqrt(out1) + s1);',
    stateNames: ['nu'],
    scalars: () => [decay, eps],
  });
}

/** u + wd·θ (decoupled weight decay once scaled by the learning rate; Loshchilov & Hutter 2019). */
export function addDecayedWeights(weightDecay: ScalarOrSchedule = 0): Tx {
  checkHyper('weight decay', weightDecay, { min: 0 });
  return elementwiseTransform({
    name: 'add-decayed-weights',
    body: 'out0 = in0 + s0 * in1;',
    stateNames: [],
    usesParams: true,
    scalars: (count) => [valueAt(weightDecay, count - 1)],
  });
}

/** −lr(step)·u: the last stage, turning a direction into a descent update. */
export function scaleByLearningRate(learningRate: ScalarOrSchedule): Tx {
  checkHyper('learning rate', learningRate, { min: 0, minInclusive: false });
  return elementwiseTransform({
    name: 'scale-by-learning-rate',
    body: 'out0 = -s0 * in0;',
    stateNames: [],
    scalars: (count) => [learningRateAt(learningRate, count - 1)],
  });
}
