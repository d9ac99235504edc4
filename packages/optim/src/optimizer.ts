/**
 * The step driver: holds a transformation's state for a set of named parameters and applies one
 * step per call, taking the fused path when the transformation offers one. `optimizerByName`
 * builds the named optimizers from plain options (the CLI's entry point).
 */
import { noGrad, type Tensor } from '@optimlab/tensor-wgpu';
import { stepWith, type GradientTransformation, type Params, type ScalarOrSchedule } from './base.js';
import * as alias from './alias.js';

export interface Optimizer<S = unknown> {
  readonly transformation: GradientTransformation<S>;
  readonly state: S;
  /** Steps taken so far. */
  readonly steps: number;
  /** params ← params + update(grads), in place. `loss` is for methods that use it (Momo). */
  step(grads: Params, options?: { loss?: Tensor; fused?: boolean }): void;
  /** Sets the step counter (when restoring a checkpoint). */
  resumeAt(steps: number): void;
}

export function createOptimizer<S>(transformation: GradientTransformation<S>, params: Params): Optimizer<S> {
  const state = transformation.init(params);
  let steps = 0;
  return {
    transformation,
    state,
    get steps() {
      return steps;
    },
    step(grads, { loss, fused = true } = {}) {
      for (const name of Object.keys(grads)) {
        if (!params[name]) throw new Error(`step: gradient "${name}" has no parameter.`);
      }
      const extras = loss ? { params, loss } : { params };
      // Optimizer arithmetic is never part of the model's graph.
      noGrad(() => {
        if (fused) stepWith(transformation, grads, state, extras);
        else stepWith({ ...transformation, fusedStep: undefined }, grads, state, extras);
      });
      steps++;
    },
    resumeAt(n) {
      steps = n;
    },
  };
}

export const OPTIMIZERS = {
  sgd: alias.sgd,
  momentum: alias.momentum,
  nesterov: alias.nesterov,
  adagrad: alias.adagrad,
  rmsprop: alias.rmsprop,
  adam: alias.adam,
  adamw: alias.adamw,
  signsgd: alias.signSgd,
  signum: alias.signum,
  lion: alias.lion,
  muon: alias.muon,
  shampoo: alias.shampoo,
  muonh: alias.muonH,
  momo: alias.momo,
  muonmax: alias.muonMax,
  'muonmax-momo': alias.muonMaxMomo,
} as const;
export type OptimizerName = keyof typeof OPTIMIZERS;

/** The named optimizer with options; an unknown name is an error listing the known ones. */
export function optimizerByName(name: string, options: Record<string, unknown> & { learningRate: ScalarOrSchedule }): GradientTransformation<any> {
  const make = (OPTIMIZERS as Record<string, (o: never) => GradientTransformation<any>>)[name];
  if (!make) throw new Error(`Unknown optimizer "${name}". Known: ${Object.keys(OPTIMIZERS).join(', ')}.`);
  return make(options as never);
}
