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
 * A side longer than maxPreconditionDim (the reference's max_precond_dim, 10000) is not rotated.
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
  /** A side longer than this is not rotated (identity basis, no statistics), as the reference's max_precond_dim. */
  readonly maxPreconditionDim: number;
}

/** One side of a matrix: its statistics (L or R) and their eigenbasis. */
interface Side {
  stats: Tensor;
  basis: Tensor;
}
interface Slot {
  /** Rows' side (L = GGᵀ), undefined when not rotated. */
  left: Side | undefined;
  /** Columns' side (R = GᵀG), undefined when not rotated. */
  right: Side | undefined;
  m: Tensor;
  v: Tensor;
}
export interface SoapState {
  count: number;
  readonly slots: Record<string, Slot>;
}

const swap = <K extends string>(holder: Record<K, Tensor>, key: K, next: Tensor): void => {
  holder[key].dispose();
  holder[key] = next.keep();
};
/** x[:, perm]. */
const gatherColumns = (x: Tensor, perm: Tensor): Tensor => transpose(gatherRows(transpose(x), perm));
/** Q_Lᵀ X Q_R: X in the rotated basis (an unrotated side is the identity). */
const project = (slot: Slot, x: Tensor): Tensor => {
  const l = slot.left ? matmul(slot.left.basis, x, { transA: true }) : x;
  return slot.right ? matmul(l, slot.right.basis) : l;
};
/** Q_L X Q_Rᵀ: back to the parameter's basis. */
const projectBack = (slot: Slot, x: Tensor): Tensor => {
  const l = slot.left ? matmul(slot.left.basis, x) : x;
  return slot.right ? matmul(l, slot.right.basis, { transB: true }) : l;
};

export function scaleBySoap({ b1, b2, shampooBeta, eps, updateEvery, maxPreconditionDim }: SoapOptions): GradientTransformation<SoapState> {
  checkHyper('b1', b1, { min: 0, max: 1 });
  checkHyper('b2', b2, { min: 0, max: 1 });
  checkHyper('eps', eps, { min: 0 });
  if (!Number.isInteger(updateEvery) || updateEvery < 1) throw new RangeError(`updateEvery must be a positive integer, got ${updateEvery}.`);
  if (shampooBeta !== -1) checkHyper('shampooBeta (or −1: b2)', shampooBeta, { min: 0, max: 1 });
  const beta = shampooBeta === -1 ? b2 : shampooBeta;
  const ema = (old: Tensor, next: Tensor): Tensor => add(mulScalar(old, beta), mulScalar(next, 1 - beta));
  /** L ← βL + (1−β)GGᵀ and R ← βR + (1−β)GᵀG for the rotated sides. */
  const accumulate = (slot: Slot, g: Tensor): void => {
    if (slot.left) swap(slot.left, 'stats', ema(slot.left.stats, matmul(g, g, { transB: true })));
    if (slot.right) swap(slot.right, 'stats', ema(slot.right.stats, matmul(g, g, { transA: true })));
  };
  const side = (n: number): Side | undefined => (n <= maxPreconditionDim ? { stats: zeros([n, n]).keep(), basis: zeros([n, n]).keep() } : undefined);
  return {
    init: (params) => {
      const slots: Record<string, Slot> = {};
      for (const [name, p] of Object.entries(params)) {
        if (p.ndim !== 2) throw new RangeError(`SOAP needs 2-D parameters, but "${name}" has shape [${p.shape.join(', ')}]: route it elsewhere with partition() (soap+adamw).`);
        const [m, n] = p.shape as [number, number];
        slots[name] = { left: side(m), right: side(n), m: zeros(p.shape).keep(), v: zeros(p.shape).keep() };
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
            accumulate(slot, g);
            for (const s of [slot.left, slot.right]) if (s) swap(s, 'basis', symmetricEigh(s.stats, { sweeps: EIGH_SWEEPS }).vectors);
            return zeros(g.shape).keep();
          }
          const normalized = zeros(g.shape);
          mapInPlace({
            name: 'soap-adam',
            body: 'out1 = s0 * out1 + (1.0 - s0) * in0; out2 = s1 * out2 + (1.0 - s1) * in0 * in0; out0 = out1 / (sqrt(out2) + s2);',
            inputs: [project(slot, g)],
            outputs: [normalized, slot.m, slot.v],
            scalars: [b1, b2, eps],
          });
          const direction = mulScalar(projectBack(slot, normalized), Math.sqrt(1 - b2 ** t) / (1 - b1 ** t));
          accumulate(slot, g);
          if (t % updateEvery === 0) refresh(slot);
          return direction.keep();
        });
      }
      return out;
    },
  };
}

/** One power iteration + QR per rotated side, columns sorted first (v with them); m follows the basis. */
function refresh(slot: Slot): void {
  if (!slot.left && !slot.right) return; // nothing rotated: Adam in the parameter's basis
  const original = projectBack(slot, slot.m); // m in the parameter's basis
  if (slot.left) {
    const rows = rayleighOrder(slot.left.stats, slot.left.basis);
    swap(slot, 'v', gatherRows(slot.v, rows));
    swap(slot.left, 'basis', householderQ(matmul(slot.left.stats, gatherColumns(slot.left.basis, rows))));
  }
  if (slot.right) {
    const cols = rayleighOrder(slot.right.stats, slot.right.basis);
    swap(slot, 'v', gatherColumns(slot.v, cols));
    swap(slot.right, 'basis', householderQ(matmul(slot.right.stats, gatherColumns(slot.right.basis, cols))));
  }
  swap(slot, 'm', project(slot, original));
}

/**
 * SOAP's step: θ ← θ − lr·u, then θ ← θ·(1 − lr·wd) on the stepped θ, as the reference does;
 * nothing at all on the first call (SOAP's set-up step).
 */
export function soapStep(learningRate: ScalarOrSchedule, weightDecay: number): ElementwiseTransformation {
  checkHyper('learning rate', learningRate, { min: 0, minInclusive: false });
  checkHyper('weight decay', weightDecay, { min: 0 });
  return elementwiseTransform({
    name: 'soap-step',
    body: 'next = -lr * (u + wd * (p - lr * u));',
    state: [],
    usesParams: true,
    scalars: (count) => ({ lr: count === 1 ? 0 : learningRateAt(learningRate, count - 1), wd: weightDecay }),
  });
}
