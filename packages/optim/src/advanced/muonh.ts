/**
 * MuonH (Hyperball; Wen et al. 2025, "Fantastic Pretraining Optimizers 2.1"), as the optimizer
 * ladder states it: with O = NS(u) and R = ‖W₀‖_F fixed at init,
 *   U = −lr·R·O/‖O‖_F,   W ← R·(W + U)/‖W + U‖_F
 * The weights stay on the Frobenius sphere of radius R. A 3-D stack (E, m, n) is E matrices, each
 * on its own sphere: R, ‖O‖ and ‖W + U‖ per slice (matrixNorms). This is the last stage of
 * `muonH`: it returns W_new − W so that applyUpdates lands exactly on the sphere (up to f32 rounding).
 */
import { add, div, full, mul, neg, scope, sub, type Tensor } from '@optimlab/tensor-wgpu';
import { learningRateAt, type GradientTransformation, type ScalarOrSchedule } from '../base.js';
import { paramOf } from '../transforms/elementwise-transform.js';
import { matrixNorms } from '../transforms/gpu-scalars.js';

export interface HyperballState {
  count: number;
  /** R per parameter: shape [] for a matrix, (E, 1, 1) for a stack of E. */
  readonly radius: Record<string, Tensor>;
}

export function hyperballStep(learningRate: ScalarOrSchedule): GradientTransformation<HyperballState> {
  return {
    init: (params) => ({ count: 0, radius: Object.fromEntries(Object.entries(params).map(([n, p]) => [n, scope(() => matrixNorms(p).keep())])) }),
    update: (updates, state, { params }) => {
      state.count++;
      const lr = learningRateAt(learningRate, state.count - 1);
      const out: Record<string, Tensor> = {};
      for (const [name, o] of Object.entries(updates)) {
        const w = paramOf(params, name);
        const r = state.radius[name]!;
        out[name] = scope(() => {
          const u = neg(mul(div(o, matrixNorms(o)), mul(r, full([], lr)))); // −lr·R·O/‖O‖, per matrix
          const moved = add(w, u);
          return sub(mul(moved, div(r, matrixNorms(moved))), w).keep();
        });
      }
      return out;
    },
  };
}
