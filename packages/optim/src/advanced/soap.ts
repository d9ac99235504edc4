/**
 * SOAP (Vyas, Morwani, Zhao, Kwun, Shapira, Brandfonbrener, Janson & Kakade 2024,
 * arXiv:2409.11321; nikhilvyas/SOAP soap.py, shared/reference/optimizers.md §4.4): Adam run in
 * the eigenbasis of Shampoo's preconditioner, for 2-D parameters G (m × n):
 *   L ← βL + (1−β)GGᵀ,  R ← βR + (1−β)GᵀG   (β = shampooBeta, −1: β2)
 *   first step: L, R and Q_L, Q_R = their eigenvectors (descending), no parameter update;
 *   then G' = Q_Lᵀ G Q_R,  m ← β1m + (1−β1)G',  v ← β2v + (1−β2)G'²   (m, v in the rotated basis)
 *   direction = Q_L (m/(√v + ε)) Q_Rᵀ · √(1−β2^t)/(1−β1^t)   (t counts the steps after the first)
 *   then L, R take G; every `updateEvery` steps each Q is refreshed by one power iteration,
 *   Q ← qr(L·Q) with Q's columns first sorted by their estimated eigenvalue qᵀLq (v permuted
 *   with them), and m re-expressed in the new basis.
 * Every dimension is rotated (the reference skips dimensions above max_precond_dim = 10000).
 * Chain it with `soapStep` (lr and the reference's weight decay after the step).
 */
import {
  add, EIGH_SWEEPS, gatherRows, householderQ, mapInPlace, matmul, mulScalar, rayleighOrder, scope, symmetricEigh, transpose, zeros, type Tensor,
} from '@optimlab/tensor-wgpu';
import { checkHyper, learningRateAt, type GradientTransformation, type ScalarOrSchedule } from '../base.js';
import { elementwiseTransform, type ElementwiseTransformation } from '../transforms/elementwise-transform.js';

export interface SoapOptions {
  readonly b1: number;
  readonly b2: number;
  /** EMA of L and R; −1: b2 (the reference's default). */
  readonly shampooBeta: number;
  readonly eps: number;
  /** Refresh the eigenbases every this many steps. */
  readonly updateEvery: number;
}

interface Slot {
  l: Tensor;
  r: Tensor;
  ql: Tensor;
  qr: Tensor;
  m: Tensor;
  v: Tensor;
}
export interface SoapState {
  count: number;
  readonly slots: Record<string, Slot>;
}

const replace = (slot: Slot, key: keyof Slot, next: Tensor): void => {
  slot[key].dispose();
  slot[key] = next.keep();
};
/** x[:, perm]. */
const gatherColumns = (x: Tensor, perm: Tensor): Tensor => transpose(gatherRows(transpose(x), perm));

export function scaleBySoap({ b1, b2, shampooBeta, eps, updateEvery }: SoapOptions): GradientTransformation<SoapState> {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  if (!Number.isInteger(updateEvery) || updateEvery < 1) throw new RangeError(`updateEvery must be a positive integer, got ${updateEvery}.`);
  const beta = shampooBeta < 0 ? b2 : shampooBeta;
  checkHyper('shampooBeta', beta, { min: 0, max: 1 });
  const ema = (old: Tensor, next: Tensor): Tensor => add(mulScalar(old, beta), mulScalar(next, 1 - beta));
  return {
    init: (params) => {
      const slots: Record<string, Slot> = {};
      for (const [name, p] of Object.entries(params)) {
        if (p.ndim !== 2) throw new RangeError(`SOAP needs 2-D parameters, but "${name}" has shape [${p.shape.join(', ')}]: route it elsewhere with partition() (soap+adamw).`);
        const [m, n] = p.shape as [number, number];
        slots[name] = { l: zeros([m, m]).keep(), r: zeros([n, n]).keep(), ql: zeros([m, m]).keep(), qr: zeros([n, n]).keep(), m: zeros(p.shape).keep(), v: zeros(p.shape).keep() };
      }
      return { count: 0, slots };
    },
    update: (grads, state) => {
      state.count++;
      const t = state.count - 1; // steps taken after the first, which only sets the bases up
      const out: Record<string, Tensor> = {};
      for (const [name, g] of Object.entries(grads)) {
        const slot = state.slots[name]!;
        out[name] = scope(() => {
          if (t === 0) {
            replace(slot, 'l', ema(slot.l, matmul(g, g, { transB: true })));
            replace(slot, 'r', ema(slot.r, matmul(g, g, { transA: true })));
            replace(slot, 'ql', symmetricEigh(slot.l, { sweeps: EIGH_SWEEPS }).vectors);
            replace(slot, 'qr', symmetricEigh(slot.r, { sweeps: EIGH_SWEEPS }).vectors);
            return zeros(g.shape).keep();
          }
          const rotated = matmul(matmul(slot.ql, g, { transA: true }), slot.qr); // Q_Lᵀ G Q_R
          const normalized = zeros(g.shape);
          mapInPlace({
            name: 'soap-adam',
            body: 'out1 = s0 * out1 + (1.0 - s0) * in0; out2 = s1 * out2 + (1.0 - s1) * in0 * in0; out0 = out1 / (sqrt(out2) + s2);',
            inputs: [rotated],
            outputs: [normalized, slot.m, slot.v],
            scalars: [b1, b2, eps],
          });
          const direction = mulScalar(matmul(matmul(slot.ql, normalized), slot.qr, { transB: true }), Math.sqrt(1 - b2 ** t) / (1 - b1 ** t));
          replace(slot, 'l', ema(slot.l, matmul(g, g, { transB: true })));
          replace(slot, 'r', ema(slot.r, matmul(g, g, { transA: true })));
          if (t % updateEvery === 0) refresh(slot);
          return direction.keep();
        });
      }
      return out;
    },
  };
}

/** One power iteration + QR per side, columns sorted first (v with them); m follows the basis. */
function refresh(slot: Slot): void {
  const original = matmul(matmul(slot.ql, slot.m), slot.qr, { transB: true }); // m in the parameter's basis
  const rows = rayleighOrder(slot.l, slot.ql);
  const cols = rayleighOrder(slot.r, slot.qr);
  replace(slot, 'v', gatherColumns(gatherRows(slot.v, rows), cols));
  replace(slot, 'ql', householderQ(matmul(slot.l, gatherColumns(slot.ql, rows))));
  replace(slot, 'qr', householderQ(matmul(slot.r, gatherColumns(slot.qr, cols))));
  replace(slot, 'm', matmul(matmul(slot.ql, original, { transA: true }), slot.qr));
}

/**
 * SOAP's step: θ ← θ − lr·u, then θ ← θ·(1 − lr·wd) on the stepped θ, as the reference does;
 * nothing at all on the first call (SOAP's set-up step).
 */
export function soapStep(learningRate: ScalarOrSchedule, weightDecay: number): ElementwiseTransformation {
  checkHyper('weight decay', weightDecay, { min: 0 });
  return elementwiseTransform({
    name: 'soap-step',
    body: 'next = -lr * (u + wd * (p - lr * u));',
    state: [],
    usesParams: true,
    scalars: (count) => ({ lr: count === 1 ? 0 : learningRateAt(learningRate, count - 1), wd: weightDecay }),
  });
}
