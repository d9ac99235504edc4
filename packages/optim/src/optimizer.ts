/**
 * The step driver: holds a transformation's state for a set of named parameters and applies one
 * step per call, taking the fused path when the transformation offers one. `optimizerByName`
 * builds a registry optimizer from plain options.
 */
import { noGrad, Tensor } from '@optimlab/tensor-wgpu';
import { stepWith, type GradientTransformation, type Params, type ScalarOrSchedule } from './base.js';
import { makeOptimizer } from './registry/registry.js';

export interface Optimizer<S = unknown> {
  readonly transformation: GradientTransformation<S>;
  readonly state: S;
  /** Steps taken so far. */
  readonly steps: number;
  /** params ← params + update(grads), in place. `loss` is for methods that use it (Momo). */
  step(grads: Params, options?: { loss?: Tensor; fused?: boolean }): void;
  /** Sets the step counter (when restoring a checkpoint). */
  resumeAt(steps: number): void;
  /** Frees every tensor of the state (the parameters are the caller's). */
  dispose(): void;
}

/** Every tensor reachable from a state object. */
function stateTensors(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stateTensors(v, out);
  return out;
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
    dispose() {
      for (const t of stateTensors(state)) t.dispose();
    },
  };
}

/**
 * The named optimizer with options (validated against its registry entry; `learningRate` may be a
 * schedule). An unknown name is an error listing the known ones.
 */
export function optimizerByName(name: string, { learningRate, ...options }: Record<string, unknown> & { learningRate: ScalarOrSchedule }): GradientTransformation<any> {
  if (typeof learningRate === 'number') return makeOptimizer(name, { ...options, learningRate });
  return makeOptimizer(name, { ...options, learningRate: 1 }, learningRate);
}
