/**
 * The named optimizers, each a `chain(...)` of transformations (optax's alias.py), plus a fused
 * one-kernel step where the chain is purely elementwise. Hyperparameters accept numbers or
 * schedules; defaults follow the sources in shared/reference/optimizers.md.
 */
import { checkHyper, disposeAll, learningRateAt, valueAt, type GradientTransformation, type Params, type ScalarOrSchedule } from './base.js';
import { chain, partition, type LabelFn } from './combine.js';
import { hiddenMatrixLabels } from './partition-rule.js';
import {
  ADAGRAD_BODY, ADAMW_BODY, DECAY_AND_STEP_BODY, LION_BODY, RMSPROP_BODY, SGD_BODY, SIGNUM_BODY, SIGN_BODY, fusedForEach, momentumBody,
} from './fused/fused.js';
import {
  addDecayedWeights, scaleByAdam, scaleByLearningRate, scaleByLion, scaleByRms, scaleByRss, scaleBySign, traceMomentum,
} from './transforms/elementwise.js';
import type { ElementwiseState } from './transforms/elementwise-transform.js';
import { muonScale, orthogonalize, orthogonalizeUnscaled, type MuonScale } from './transforms/orthogonalize.js';
import type { CoefficientSet, NewtonSchulzCoefficients } from './transforms/newton-schulz.js';
import { scaleByShampoo, type ShampooOptions } from './advanced/shampoo.js';
import { hyperballStep } from './advanced/muonh.js';
import { momo } from './advanced/momo.js';
import { muonMax, type MuonMaxOptions, type MuonMaxState } from './advanced/muonmax.js';

type State3 = [ElementwiseState, ElementwiseState, ElementwiseState];

/** The chain plus a fused step over the same state. */
function withFused<S>(tx: GradientTransformation<S>, fused: (grads: Params, state: S, params: Params) => void): GradientTransformation<S> {
  return { ...tx, fusedStep: (grads, state, { params }) => fused(grads, state, params) };
}

/** Advances every stage's count (the fused path must leave the same state as the chain). */
function tick(states: readonly ElementwiseState[]): number {
  for (const s of states) s.count++;
  return states[0]!.count;
}

export interface SgdOptions {
  readonly learningRate: ScalarOrSchedule;
  readonly weightDecay?: ScalarOrSchedule;
}

/** θ ← θ − lr·(g + wd·θ). */
export function sgd({ learningRate, weightDecay = 0 }: SgdOptions): GradientTransformation<[ElementwiseState, ElementwiseState]> {
  const tx = chain(addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return {
    ...tx,
    fusedStep: (grads, state, { params }) => {
      const t = tick(state);
      fusedForEach('sgd', SGD_BODY, grads, params, [], [learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)]);
    },
  };
}

export interface MomentumOptions extends SgdOptions {
  readonly momentum?: ScalarOrSchedule;
  readonly nesterov?: boolean;
}

function momentumFamily(ema: boolean, nesterov: boolean, { learningRate, momentum = 0.9, weightDecay = 0 }: MomentumOptions): GradientTransformation<State3> {
  const tx = chain(traceMomentum({ decay: momentum, nesterov, ema }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return {
    ...tx,
    fusedStep: (grads, state, { params }) => {
      const t = tick(state);
      const scalars = [valueAt(momentum, t - 1), learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)];
      fusedForEach(`momentum:${ema}:${nesterov}`, momentumBody(ema, nesterov), grads, params, [state[0].slots['momentum']!], scalars);
    },
  };
}

/** Heavy-ball momentum b ← μb + g, θ ← θ − lr·b (PyTorch SGD, dampening 0). */
export const momentum = (o: MomentumOptions): GradientTransformation<State3> => momentumFamily(false, o.nesterov ?? false, o);
/** Nesterov momentum: θ ← θ − lr·(g + μb). */
export const nesterov = (o: MomentumOptions): GradientTransformation<State3> => momentumFamily(false, true, o);

export interface AdamWOptions {
  readonly learningRate: ScalarOrSchedule;
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
  readonly epsRoot?: number;
  readonly weightDecay?: ScalarOrSchedule;
}

/** AdamW (Loshchilov & Hutter 2019): θ ← θ − lr·(m̂/(√v̂ + eps) + wd·θ). PyTorch defaults, wd 0.01. */
export function adamw({ learningRate, b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, weightDecay = 0.01 }: AdamWOptions): GradientTransformation<State3> {
  const tx = chain(scaleByAdam({ b1, b2, eps, epsRoot }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return {
    ...tx,
    fusedStep: (grads, state, { params }) => {
      const t = tick(state);
      const scalars = [b1, b2, 1 - b1 ** t, 1 - b2 ** t, eps, epsRoot, learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)];
      fusedForEach('adamw', ADAMW_BODY, grads, params, [state[0].slots['mu']!, state[0].slots['nu']!], scalars);
    },
  };
}

/** Adam (Kingma & Ba 2015) = AdamW without weight decay. */
export const adam = (o: Omit<AdamWOptions, 'weightDecay'>): GradientTransformation<State3> => adamw({ ...o, weightDecay: 0 });

/** AdaGrad (Duchi et al. 2011), PyTorch form: θ ← θ − lr·g/(√Σg² + eps). */
export function adagrad({ learningRate, eps = 1e-10, initialAccumulator = 0 }: { learningRate: ScalarOrSchedule; eps?: number; initialAccumulator?: number }) {
  const tx = chain(scaleByRss({ eps, initialAccumulator }), scaleByLearningRate(learningRate));
  return withFused(tx, (grads, state, params) => {
    const t = tick(state);
    const scalars = [eps, t === 1 ? initialAccumulator : 0, learningRateAt(learningRate, t - 1)];
    fusedForEach('adagrad', ADAGRAD_BODY, grads, params, [state[0].slots['sumOfSquares']!], scalars);
  });
}

/** RMSProp (Tieleman & Hinton 2012), PyTorch form: v ← αv + (1−α)g², θ ← θ − lr·g/(√v + eps). */
export function rmsprop({ learningRate, decay = 0.99, eps = 1e-8 }: { learningRate: ScalarOrSchedule; decay?: number; eps?: number }) {
  const tx = chain(scaleByRms({ decay, eps }), scaleByLearningRate(learningRate));
  return withFused(tx, (grads, state, params) => {
    const t = tick(state);
    fusedForEach('rmsprop', RMSPROP_BODY, grads, params, [state[0].slots['nu']!], [decay, eps, learningRateAt(learningRate, t - 1)]);
  });
}

/** signSGD (Bernstein et al. 2018): θ ← θ − lr·sign(g). */
export function signSgd({ learningRate, weightDecay = 0 }: SgdOptions) {
  const tx = chain(scaleBySign(), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return withFused(tx, (grads, state, params) => {
    const t = tick(state);
    fusedForEach('signsgd', SIGN_BODY, grads, params, [], [learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)]);
  });
}

/** Signum: the sign of EMA momentum, θ ← θ − lr·sign(μb + (1−μ)g). */
export function signum({ learningRate, momentum: mu = 0.9, weightDecay = 0 }: MomentumOptions) {
  const tx = chain(traceMomentum({ decay: mu, ema: true }), scaleBySign(), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return withFused(tx, (grads, state, params) => {
    const t = tick(state);
    const scalars = [valueAt(mu, t - 1), learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)];
    fusedForEach('signum', SIGNUM_BODY, grads, params, [state[0].slots['momentum']!], scalars);
  });
}

export interface LionOptions {
  readonly learningRate: ScalarOrSchedule;
  readonly b1?: number;
  readonly b2?: number;
  readonly weightDecay?: ScalarOrSchedule;
}

/** Lion (Chen et al. 2023, lucidrains defaults b1 0.9, b2 0.99, wd 0). */
export function lion({ learningRate, b1 = 0.9, b2 = 0.99, weightDecay = 0 }: LionOptions): GradientTransformation<State3> {
  const tx = chain(scaleByLion({ b1, b2 }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  return {
    ...tx,
    fusedStep: (grads, state, { params }) => {
      const t = tick(state);
      fusedForEach('lion', LION_BODY, grads, params, [state[0].slots['mu']!], [b1, b2, learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)]);
    },
  };
}

export interface MuonOptions {
  readonly learningRate: ScalarOrSchedule;
  /** EMA momentum β (Keller Jordan 0.95). */
  readonly momentum?: ScalarOrSchedule;
  readonly nesterov?: boolean;
  readonly nsSteps?: number;
  readonly coefficients?: CoefficientSet | NewtonSchulzCoefficients;
  readonly scale?: MuonScale;
  readonly weightDecay?: ScalarOrSchedule;
}

/**
 * Muon (Jordan et al. 2024; KellerJordan/Muon): EMA momentum (Nesterov by default), Newton–Schulz
 * orthogonalisation, shape scale, decoupled weight decay. For hidden matrices only (2-D, or 3-D
 * stacks of them, each slice orthogonalised on its own).
 */
export function muon({ learningRate, momentum: mu = 0.95, nesterov: nes = true, nsSteps = 5, coefficients = 'keller', scale = 'original', weightDecay = 0 }: MuonOptions) {
  const momentumStage = traceMomentum({ decay: mu, nesterov: nes, ema: true });
  const tx = chain(momentumStage, orthogonalize({ steps: nsSteps, coefficients, scale }), addDecayedWeights(weightDecay), scaleByLearningRate(learningRate));
  // Fused: the momentum kernel, batched Newton–Schulz calls (see orthogonalizeUnscaled), one
  // decay-and-step kernel per parameter with the shape scale s folded into its scalars:
  // θ − lr·(s·O + wd·θ) = θ − (lr·s)·(O + (wd/s)·θ).
  return withFused(tx, (grads, state, params) => {
    const directions = momentumStage.update(grads, state[0], { params });
    const orthogonal = orthogonalizeUnscaled(directions, { steps: nsSteps, coefficients });
    disposeAll(directions);
    const t = tick([state[2], state[3]]);
    const [lr, wd] = [learningRateAt(learningRate, t - 1), valueAt(weightDecay, t - 1)];
    for (const [name, o] of Object.entries(orthogonal)) {
      const [rows, cols] = o.shape.slice(-2) as [number, number];
      const s = muonScale(rows, cols, scale);
      fusedForEach('decay-and-step', DECAY_AND_STEP_BODY, { [name]: o }, params, [], [lr * s, wd / s]);
    }
    disposeAll(orthogonal);
  });
}

/** The thesis's split (partition-rule.ts): hidden matrices and 3-D stacks of them → Muon, the rest → AdamW. */
export const thesisLabels: LabelFn = hiddenMatrixLabels({ matrix: 'muon', other: 'adamw' });

/** Muon for hidden matrices and AdamW for the rest (MuonWithAuxAdam), routed by `label`. */
export function muonWithAdamW({ muon: muonOptions, adamw: adamwOptions, label = thesisLabels }: { muon: MuonOptions; adamw: AdamWOptions; label?: LabelFn }) {
  checkHyper('learning rate', muonOptions.learningRate, { min: 0, minInclusive: false });
  return partition(label, { muon: muon(muonOptions), adamw: adamw(adamwOptions) });
}

/** Shampoo (practical form, see advanced/shampoo.ts): θ ← θ − lr·L^(−1/4)·u·R^(−1/4). 2-D only. */
export function shampoo({ learningRate, ...options }: ShampooOptions & { learningRate: ScalarOrSchedule }) {
  return chain(scaleByShampoo(options), scaleByLearningRate(learningRate));
}

/** MuonH (hyperball Muon, see advanced/muonh.ts): heavy-ball momentum, NS, sphere step. Matrices only (2-D, or 3-D stacks: one sphere per slice). */
export function muonH({ learningRate, momentum: mu = 0.9, nsSteps = 5, coefficients = 'keller' }: Omit<MuonOptions, 'scale' | 'weightDecay' | 'nesterov'>) {
  return chain(traceMomentum({ decay: mu }), orthogonalize({ steps: nsSteps, coefficients, scale: 'none' }), hyperballStep(learningRate));
}

/** MuonMax-Momo: MuonMax with Momo's loss truncation (f* = truncateLoss, default 0). */
export const muonMaxMomo = (o: MuonMaxOptions): GradientTransformation<MuonMaxState> => muonMax({ truncateLoss: 0, ...o });
/** Muon-Momo (GPT-opt's muon-momo): LMO steps s·polar(M) on matrices and sign(M) elsewhere, truncated by Momo (f* default 0). */
export const muonMomo = (o: Omit<MuonMaxOptions, 'lmo' | 'b2'>): GradientTransformation<MuonMaxState> => muonMax({ truncateLoss: 0, ...o, lmo: true });
export { momo, muonMax };
