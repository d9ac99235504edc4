/**
 * MuonMax and MuonMax-Momo (Crawshaw, Modi, Liu & Gower 2025, arXiv:2510.09827), as the code
 * behind it does (GPT-opt nesgd.py, per shared/reference/optimizers.md §3; the paper's equations
 * were not available):
 * - momentum: Muon layers M ← μM + (1−μ)g; other layers m ← lerp(m, g, 1−β1), v ← lerp(v, g², 1−β2);
 *   all initialised with the first g (resp. g²), no bias correction.
 * - duals: d_i = s·‖M_i‖_* = s·⟨M_i, polar(M_i)⟩ for Muon layers; e_j = ‖m_j/√(eps + √v_j)‖ else;
 *   D_mu = Σd_i, D = √(D_mu² + ‖e‖²).
 * - step (lmo = false): Muon layers W ← W − lr_t·D_mu·s·polar(M); others w ← w − lr_t·m/(eps + √v).
 * - Momo truncation (MuonMax-Momo, f* = truncateLoss): L̄ ← μL̄ + (1−μ)(loss − Σ⟨w, g⟩) (first: the
 *   value itself); lr_t = min(lr, (L̄ − f* + Σ⟨w, M⟩)/D²), Σ over all layers (M = m for non-Muon).
 * - weight decay p ← p(1 − lr·wd) with the base lr, folded into the returned update.
 * - without `adam` (GPT-opt's lmo mode, its Muon-Momo): LMO steps s·polar(M) and sign(M), D = Σ duals, bound × D.
 * Layers are split by `label` (default: the thesis split, partition-rule.ts). A 3-D stack (E, m, n) is
 * E Muon layers: polar(M) per slice (newtonSchulz batches them), and its dual Σ_e s·⟨M_e, polar(M_e)⟩
 * is the inner product over the whole stack.
 */
import { add, div, full, mapInPlace, minimum, mul, mulScalar, neg, scope, sqrt, square, sub, zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { checkHyper, learningRateAt, type GradientTransformation, type ScalarOrSchedule } from '../base.js';
import type { LabelFn } from '../combine.js';
import { hiddenMatrixLabels } from '../partition-rule.js';
import { paramOf } from '../transforms/elementwise-transform.js';
import { frobenius, inner, sumScalars } from '../transforms/gpu-scalars.js';
import { newtonSchulz, type CoefficientSet } from '../transforms/newton-schulz.js';

export interface MuonMaxOptions {
  readonly learningRate: ScalarOrSchedule;
  readonly momentum: number;
  /** Spectral scale s (√muon_lr_ratio in GPT-opt). */
  readonly spectralScale: number;
  readonly nsSteps: number;
  readonly coefficients: CoefficientSet;
  readonly weightDecay: number;
  /** f* for Momo truncation (GPT-opt uses 3.2 for language models); undefined: plain MuonMax. */
  readonly truncateLoss?: number;
  /**
   * Adam-style steps m/(eps + √v) on the non-matrix layers, with this second-moment EMA (MuonMax).
   * Absent: GPT-opt's `lmo` mode with the ℓ∞ product norm (its Muon-Momo): every layer steps along
   * its LMO, s·polar(M) for Muon layers and sign(M) for the rest (no second moment); D = Σ layer
   * duals (s·‖M‖_* and ‖M‖_1), and the Momo bound is multiplied by D.
   */
  readonly adam?: { readonly b2: number; readonly eps: number };
  readonly label?: LabelFn;
}

export interface MuonMaxState {
  count: number;
  lossBar: Tensor;
  readonly muonNames: readonly string[];
  readonly m: Record<string, Tensor>;
  readonly v: Record<string, Tensor>;
}

/** sign(x) elementwise (0 at 0). */
function signOf(x: Tensor): Tensor {
  const out = zeros(x.shape);
  mapInPlace({ name: 'sign-of', body: 'out0 = sign(in0);', inputs: [x], outputs: [out] });
  return out;
}

/** Hidden matrices and 3-D stacks of them (partition-rule.ts) are Muon layers; the rest Adam-style. */
const defaultLabel: LabelFn = hiddenMatrixLabels({ matrix: 'muon', other: 'adam' });

export function muonMax({
  learningRate, momentum: mu, spectralScale: s, nsSteps, coefficients, weightDecay, truncateLoss, adam, label = defaultLabel,
}: MuonMaxOptions): GradientTransformation<MuonMaxState> {
  const lmo = adam === undefined;
  const { b2, eps } = adam ?? { b2: 0, eps: 0 }; // unused in lmo mode
  checkHyper('learning rate', learningRate, { min: 0, minInclusive: false });
  checkHyper('momentum', mu, { min: 0, max: 1 });
  const replace = (slots: Record<string, Tensor>, name: string, next: Tensor): Tensor => {
    slots[name]?.dispose();
    return (slots[name] = next.keep());
  };
  return {
    init: (params) => ({
      count: 0,
      lossBar: zeros([]).keep(),
      muonNames: Object.entries(params).filter(([n, p]) => label(n, p) === 'muon').map(([n]) => n),
      m: {},
      v: {},
    }),
    update: (grads, state, { params, loss }) => {
      if (truncateLoss !== undefined && !loss) throw new Error('MuonMax-Momo needs the loss: call step(grads, { loss }).');
      state.count++;
      const first = state.count === 1;
      const lr = learningRateAt(learningRate, state.count - 1);
      return scope(() => {
        const names = Object.keys(grads);
        const isMuon = (n: string): boolean => state.muonNames.includes(n);
        for (const n of names) {
          const g = grads[n]!;
          replace(state.m, n, first ? mulScalar(g, 1) : add(mulScalar(state.m[n]!, mu), mulScalar(g, 1 - mu)));
          if (!isMuon(n) && !lmo) replace(state.v, n, first ? square(g) : add(mulScalar(state.v[n]!, b2), mulScalar(square(g), 1 - b2)));
        }
        const polar: Record<string, Tensor> = {};
        const adamDir: Record<string, Tensor> = {};
        const duals: Tensor[] = [];
        const others: Tensor[] = [];
        for (const n of names) {
          if (isMuon(n)) {
            polar[n] = newtonSchulz(state.m[n]!, { steps: nsSteps, coefficients });
            duals.push(mulScalar(inner(state.m[n]!, polar[n]!), s));
          } else if (lmo) {
            adamDir[n] = signOf(state.m[n]!);
            others.push(inner(state.m[n]!, adamDir[n]!)); // ‖M‖_1
          } else {
            const denom = add(sqrt(state.v[n]!), full([], eps)); // eps + √v
            adamDir[n] = div(state.m[n]!, denom);
            others.push(square(frobenius(div(state.m[n]!, sqrt(denom))))); // e_j²
          }
        }
        const dMu = duals.length ? sumScalars(duals) : full([], 0);
        const otherSum = others.length ? sumScalars(others) : full([], 0);
        let lrT: Tensor = full([], lr);
        if (truncateLoss !== undefined) {
          const wg = sumScalars(names.map((n) => inner(paramOf(params, n), grads[n]!)));
          const value = sub(loss!.view([]), wg);
          const lossBar = (first ? mulScalar(value, 1) : add(mulScalar(state.lossBar, mu), mulScalar(value, 1 - mu))).keep();
          state.lossBar.dispose();
          state.lossBar = lossBar;
          const wm = sumScalars(names.map((n) => inner(paramOf(params, n), state.m[n]!)));
          const numerator = add(sub(lossBar, full([], truncateLoss)), wm);
          // lmo: (…)/D² · D with D = Σ duals; hybrid: (…)/D² with D² = D_mu² + ‖e‖².
          lrT = minimum(lrT, lmo ? div(numerator, add(dMu, otherSum)) : div(numerator, add(square(dMu), otherSum)));
        }
        const out: Record<string, Tensor> = {};
        for (const n of names) {
          const direction = isMuon(n) ? (lmo ? mulScalar(polar[n]!, s) : mul(mulScalar(polar[n]!, s), dMu)) : adamDir[n]!;
          const decay = mulScalar(paramOf(params, n), lr * weightDecay);
          out[n] = neg(add(mul(direction, lrT), decay)).keep();
        }
        return out;
      });
    },
  };
}
