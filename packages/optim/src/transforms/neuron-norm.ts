/**
 * NorMuon's neuron-wise normalisation (Li, Liu, Liang, Chen & Zhao 2025, arXiv:2510.05491,
 * Algorithm 1), the stage after Newton–Schulz. For each matrix O (m × n; rows are neurons, PyTorch
 * Linear (out, in)):
 *   v ← β2·v + (1−β2)·mean_cols(O ⊙ O)     (v ∈ R^m, zeros at start, no bias correction)
 *   Ô = O ⊘ (√v + ε)                         (row-wise)
 *   direction = 0.2·√(mn)·Ô/max(‖Ô‖_F, 1e-10) (so that −lr·direction is the paper's −η̂·Ô; the floor,
 *                                             as modded-nanogpt's, keeps a zero update zero)
 * A 3-D stack (E, m, n) is E matrices: v per slice and row, ‖Ô‖ per slice.
 */
import { add, div, full, mapInPlace, maximum, mul, reduce, scope, sqrt, zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { checkHyper, type GradientTransformation } from '../base.js';
import { matrixNorms } from './gpu-scalars.js';

/** The floor of ‖Ô‖_F. */
const MIN_NORM = 1e-10;

export interface NeuronNormState {
  count: number;
  /** v per parameter, (E, m, 1) (E = 1 for a matrix). */
  readonly v: Record<string, Tensor>;
}

const asStack = (shape: readonly number[]): [number, number, number] => {
  const [m, n] = shape.slice(-2) as [number, number];
  return [shape.length === 3 ? shape[0]! : 1, m, n];
};

export function normalizeNeurons({ b2, eps }: { b2: number; eps: number }): GradientTransformation<NeuronNormState> {
  checkHyper('b2', b2, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  return {
    init: (params) => ({
      count: 0,
      v: Object.fromEntries(Object.entries(params).map(([n, p]) => {
        const [e, m] = asStack(p.shape);
        return [n, zeros([e, m, 1]).keep()];
      })),
    }),
    update: (updates, state) => {
      state.count++;
      const out: Record<string, Tensor> = {};
      for (const [name, o] of Object.entries(updates)) {
        const [e, m, n] = asStack(o.shape);
        const v = state.v[name]!;
        out[name] = scope(() => {
          const stack = o.view([e, m, n]);
          const rowMeans = reduce('mean', mul(stack, stack), 2, { keepDims: true }); // (E, m, 1)
          mapInPlace({ name: 'neuron-norm-ema', body: 'out0 = s0 * out0 + (1.0 - s0) * in0;', inputs: [rowMeans], outputs: [v], scalars: [b2] });
          const normalized = div(stack, add(sqrt(v), full([], eps)));
          // ‖Ô‖ floored, so a matrix with no update (an expert that got no tokens) stays at zero, not NaN.
          const scaled = mul(normalized, div(full([], 0.2 * Math.sqrt(m * n)), maximum(matrixNorms(normalized), full([], MIN_NORM))));
          return scaled.view(o.shape).keep();
        });
      }
      return out;
    },
  };
}
