/**
 * Shampoo (Gupta, Koren & Singer 2018) in its practical form, for 2-D parameters:
 *   L ← βL + (1−β)GGᵀ,  R ← βR + (1−β)GᵀG
 *   every `updateEvery` steps: P_L = (L + εI)^(−1/4), P_R = (R + εI)^(−1/4)  (coupled Newton, GPU)
 *   u ← μu + G (heavy-ball momentum, as in the optimizer ladder)
 *   direction = P_L · u · P_R
 * Chain it with scaleByLearningRate (see `shampoo`). Non-2-D parameters: route them elsewhere.
 */
import { add, matmul, mulScalar, scope, zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { checkHyper, type GradientTransformation } from '../base.js';
import { eye } from '../transforms/gpu-scalars.js';
import { inverseRoot } from './inverse-root.js';

export interface ShampooOptions {
  /** EMA of the statistics. */
  readonly beta: number;
  /** Heavy-ball momentum on the gradient before preconditioning (0: none). */
  readonly momentum: number;
  /** Ridge added before the inverse root. */
  readonly eps: number;
  /** Recompute the inverse roots every this many steps. */
  readonly updateEvery: number;
  /** Coupled-Newton iterations per root. */
  readonly rootIterations: number;
}

interface Slot {
  l: Tensor;
  r: Tensor;
  u: Tensor;
  pl: Tensor | undefined;
  pr: Tensor | undefined;
}
export interface ShampooState {
  count: number;
  readonly slots: Record<string, Slot>;
}

export function scaleByShampoo({ beta, momentum, eps, updateEvery, rootIterations }: ShampooOptions): GradientTransformation<ShampooState> {
  checkHyper('beta', beta, { min: 0, max: 1 });
  checkHyper('momentum', momentum, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0, minInclusive: false });
  if (!Number.isInteger(updateEvery) || updateEvery < 1) throw new RangeError(`updateEvery must be a positive integer, got ${updateEvery}.`);
  const replace = (old: Tensor, next: Tensor): Tensor => {
    old.dispose();
    return next.keep();
  };
  return {
    init: (params) => {
      const slots: Record<string, Slot> = {};
      for (const [name, p] of Object.entries(params)) {
        if (p.ndim !== 2) throw new RangeError(`Shampoo needs 2-D parameters, but "${name}" has shape [${p.shape.join(', ')}]: route it elsewhere with partition().`);
        const [rows, cols] = p.shape as [number, number];
        slots[name] = { l: zeros([rows, rows]).keep(), r: zeros([cols, cols]).keep(), u: zeros(p.shape).keep(), pl: undefined, pr: undefined };
      }
      return { count: 0, slots };
    },
    update: (updates, state) => {
      state.count++;
      const refresh = (state.count - 1) % updateEvery === 0;
      const out: Record<string, Tensor> = {};
      for (const [name, g] of Object.entries(updates)) {
        const slot = state.slots[name]!;
        scope(() => {
          slot.l = replace(slot.l, add(mulScalar(slot.l, beta), mulScalar(matmul(g, g, { transB: true }), 1 - beta)));
          slot.r = replace(slot.r, add(mulScalar(slot.r, beta), mulScalar(matmul(g, g, { transA: true }), 1 - beta)));
          slot.u = replace(slot.u, add(mulScalar(slot.u, momentum), g));
          if (refresh || !slot.pl || !slot.pr) {
            const [rows, cols] = g.shape as [number, number];
            slot.pl?.dispose();
            slot.pr?.dispose();
            slot.pl = inverseRoot(add(slot.l, mulScalar(eye(rows), eps)), { p: 4, iterations: rootIterations });
            slot.pr = inverseRoot(add(slot.r, mulScalar(eye(cols), eps)), { p: 4, iterations: rootIterations });
          }
          out[name] = matmul(matmul(slot.pl, slot.u), slot.pr).keep();
        });
      }
      return out;
    },
  };
}

