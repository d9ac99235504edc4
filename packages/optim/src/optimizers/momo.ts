/** Momo and the MuonMax family (Crawshaw, Modi, Liu & Gower 2025): steps set by the loss and dual norms. */
import { momo } from '../advanced/momo.js';
import { muonMax } from '../advanced/muonmax.js';
import { real } from '../registry/fields.js';
import { defineOptimizer } from '../registry/define.js';
import { coefficients, KNOB_MAX, nsSteps, positive, unit, weightDecay } from '../registry/knobs.js';

export const MOMO = defineOptimizer({
  name: 'momo',
  learningRate: 1,
  summary: 'Momo: model-based momentum truncated by the loss',
  reference: 'Schaipp et al. 2023',
  needsLoss: true,
  hyper: { beta: unit('momentum β', 0.9), lowerBound: real('lower bound f* on the loss', { min: -KNOB_MAX, max: KNOB_MAX }).default(0) },
  make: (o) => momo(o),
});

/** The MuonMax family's knobs (GPT-opt's defaults: momentum 0.95, β2 0.95, Polar Express). */
const muonMaxHyper = {
  momentum: unit('momentum μ', 0.95),
  b2: unit('second-moment EMA β2 (non-matrix layers)', 0.95),
  eps: positive('ε', 1e-8),
  spectralScale: positive('spectral scale s', 1),
  nsSteps: nsSteps(5),
  coefficients: coefficients('polarExpress'),
  weightDecay: weightDecay(0),
};
const truncateLoss = () => real('loss lower bound f* for the Momo truncation', { min: -KNOB_MAX, max: KNOB_MAX }).default(0);
const CRAWSHAW = 'Crawshaw, Modi, Liu & Gower 2025 (arXiv:2510.09827)';

export const MUONMAX = defineOptimizer({
  name: 'muonmax',
  learningRate: 0.01,
  summary: 'MuonMax: Muon for hidden matrices, Adam-style for the rest, steps scaled by the dual norm',
  reference: CRAWSHAW,
  hyper: muonMaxHyper,
  make: ({ b2, eps, ...o }) => muonMax({ ...o, adam: { b2, eps } }),
});

export const MUONMAX_MOMO = defineOptimizer({
  name: 'muonmax-momo',
  learningRate: 0.01,
  summary: 'MuonMax with Momo truncation of the step by the loss',
  reference: CRAWSHAW,
  needsLoss: true,
  hyper: { ...muonMaxHyper, truncateLoss: truncateLoss() },
  make: ({ b2, eps, ...o }) => muonMax({ ...o, adam: { b2, eps } }),
});

/** GPT-opt's muon-momo: LMO steps s·polar(M) on matrices and sign(M) elsewhere, truncated by Momo. */
export const MUON_MOMO = defineOptimizer({
  name: 'muon-momo',
  learningRate: 0.01,
  summary: 'Muon-Momo: LMO steps (polar on hidden matrices, sign elsewhere) truncated by Momo',
  reference: `${CRAWSHAW}; GPT-opt muon-momo`,
  needsLoss: true,
  hyper: {
    momentum: muonMaxHyper.momentum,
    spectralScale: muonMaxHyper.spectralScale,
    nsSteps: nsSteps(5),
    coefficients: coefficients('polarExpress'),
    weightDecay: weightDecay(0),
    truncateLoss: truncateLoss(),
  },
  make: (o) => muonMax(o),
});
