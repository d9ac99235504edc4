/**
 * Momo (Schaipp, Ohana, Eickenberg, Defazio & Gower 2023; fabian-sp/MoMo), no weight decay, no
 * bias correction: model-based momentum that truncates the step with the loss value.
 *   f̄ ← βf̄ + (1−β)f,  d ← βd + (1−β)g,  γ ← βγ + (1−β)⟨x, g⟩   (step 1: f̄ = f, d = g, γ = ⟨x, g⟩)
 *   τ = min(lr, max(f̄ − lb + ⟨x, d⟩ − γ, 0) / ‖d‖²),   x ← x − τd
 * Sums run over all parameters. τ stays on the GPU; the loss is a GPU scalar passed to step().
 */
import { add, div, full, maximum, minimum, mul, mulScalar, neg, scope, sub, zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { checkHyper, learningRateAt, type GradientTransformation, type ScalarOrSchedule } from '../base.js';
import { paramOf } from '../transforms/elementwise-transform.js';
import { inner, sumScalars } from '../transforms/gpu-scalars.js';

export interface MomoState {
  count: number;
  fBar: Tensor;
  gamma: Tensor;
  readonly d: Record<string, Tensor>;
}

export interface MomoOptions {
  readonly learningRate: ScalarOrSchedule;
  readonly beta: number;
  /** A lower bound on the loss (0 for non-negative losses). */
  readonly lowerBound: number;
}

export function momo({ learningRate, beta, lowerBound }: MomoOptions): GradientTransformation<MomoState> {
  checkHyper('learning rate', learningRate, { min: 0, minInclusive: false });
  checkHyper('beta', beta, { min: 0, max: 1 });
  const ema = (old: Tensor, value: Tensor, first: boolean): Tensor => (first ? value : add(mulScalar(old, beta), mulScalar(value, 1 - beta)));
  return {
    init: (params) => ({
      count: 0,
      fBar: zeros([]).keep(),
      gamma: zeros([]).keep(),
      d: Object.fromEntries(Object.entries(params).map(([n, p]) => [n, zeros(p.shape).keep()])),
    }),
    update: (grads, state, { params, loss }) => {
      if (!loss) throw new Error('Momo needs the loss at the current parameters: call step(grads, { loss }).');
      state.count++;
      const first = state.count === 1;
      const lr = learningRateAt(learningRate, state.count - 1);
      return scope(() => {
        const names = Object.keys(grads);
        const xg = sumScalars(names.map((n) => inner(paramOf(params, n), grads[n]!)));
        const fBar = ema(state.fBar, loss.view([]), first).keep();
        const gamma = ema(state.gamma, xg, first).keep();
        state.fBar.dispose();
        state.gamma.dispose();
        state.fBar = fBar;
        state.gamma = gamma;
        for (const n of names) {
          const next = ema(state.d[n]!, grads[n]!, first);
          state.d[n]!.dispose();
          state.d[n] = (first ? mulScalar(next, 1) : next).keep(); // own copy of g on step 1
        }
        const xd = sumScalars(names.map((n) => inner(paramOf(params, n), state.d[n]!)));
        const dd = sumScalars(names.map((n) => inner(state.d[n]!, state.d[n]!)));
        const numerator = maximum(add(sub(fBar, full([], lowerBound)), sub(xd, gamma)), full([], 0));
        const tau = minimum(full([], lr), div(numerator, dd)); // shape []
        const out: Record<string, Tensor> = {};
        for (const n of names) out[n] = neg(mul(state.d[n]!, tau)).keep();
        return out;
      });
    },
  };
}
