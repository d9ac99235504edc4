/** Muon and its relatives on hidden weight matrices (2-D, or 3-D stacks of them: one matrix per slice). */
import { hyperballStep } from '../advanced/muonh.js';
import { chain } from '../combine.js';
import { flag, integer, oneOf } from '../registry/fields.js';
import { defineOptimizer } from '../registry/define.js';
import { coefficients, nsSteps, positive, unit, weightDecay } from '../registry/knobs.js';
import { addDecayedWeights, scaleByLearningRate, scaleByShape, traceMomentum } from '../transforms/elementwise.js';
import { normalizeNeurons } from '../transforms/neuron-norm.js';
import { orthogonalizeMatrices } from '../transforms/orthogonalize.js';

/**
 * Muon (Jordan et al. 2024; KellerJordan/Muon): EMA momentum (Nesterov by default), Newton–Schulz
 * orthogonalisation, shape scale, decoupled weight decay. The fused step runs the momentum kernel,
 * batched Newton–Schulz calls, then scale, decay and step as one kernel per matrix.
 */
export const MUON = defineOptimizer({
  name: 'muon',
  learningRate: 0.02,
  summary: 'Muon: EMA momentum, Newton–Schulz orthogonalisation, shape scale (matrices only)',
  reference: 'Jordan et al. 2024 (KellerJordan/Muon)',
  params: 'matrices',
  hyper: {
    momentum: unit('EMA momentum β', 0.95),
    nesterov: flag('Nesterov look-ahead').default(true),
    nsSteps: nsSteps(5),
    coefficients: coefficients('keller'),
    scale: oneOf('update scale: √max(1, rows/cols), 0.2·√max(rows, cols), or 1', ['original', 'matchAdamW', 'none']).default('original'),
    split: oneOf("a fused q/k/v projection (name contains 'qkv', rows = 3·cols) orthogonalised whole, as Q, K, V, or per head", ['fused', 'qkv', 'heads']).default('fused'),
    heads: integer("attention heads, for split 'heads' (0: not set; a training run takes the model's)", { min: 0, max: 4096 }).default(0),
    weightDecay: weightDecay(0),
  },
  make: (o) =>
    chain(
      traceMomentum({ decay: o.momentum, nesterov: o.nesterov, ema: true }),
      orthogonalizeMatrices({ steps: o.nsSteps, coefficients: o.coefficients }, o),
      scaleByShape(o.scale, o),
      addDecayedWeights(o.weightDecay),
      scaleByLearningRate(o.learningRate),
    ),
});

/** MuonH (hyperball Muon, see advanced/muonh.ts): heavy-ball momentum, NS, sphere step. */
export const MUONH = defineOptimizer({
  name: 'muonh',
  learningRate: 0.02,
  summary: 'MuonH: Muon on the Frobenius sphere of the initial weights, one sphere per matrix (matrices only)',
  reference: 'Wen et al. 2025',
  params: 'matrices',
  hyper: { momentum: unit('heavy-ball momentum', 0.9), nsSteps: nsSteps(5), coefficients: coefficients('keller') },
  make: (o) => chain(traceMomentum({ decay: o.momentum }), orthogonalizeMatrices({ steps: o.nsSteps, coefficients: o.coefficients }), hyperballStep(o.learningRate)),
});

/**
 * NorMuon (Li, Liu, Liang, Chen & Zhao 2025, arXiv:2510.05491, Algorithm 1): Muon whose
 * orthogonalised update is normalised per neuron by a second-moment EMA, then rescaled to
 * 0.2·√(mn)·Ô/‖Ô‖_F (see transforms/neuron-norm.ts). EMA momentum without Nesterov, as the
 * algorithm box states; the paper's β1 = β2 = 0.95, ε = 1e-8.
 */
export const NORMUON = defineOptimizer({
  name: 'normuon',
  learningRate: 0.02,
  summary: 'NorMuon: Muon with neuron-wise second-moment normalisation (matrices only)',
  reference: 'Li, Liu, Liang, Chen & Zhao 2025 (arXiv:2510.05491)',
  params: 'matrices',
  hyper: {
    momentum: unit('EMA momentum β1', 0.95),
    b2: unit('neuron second-moment EMA β2', 0.95),
    eps: positive('ε added to √v', 1e-8),
    nsSteps: nsSteps(5),
    coefficients: coefficients('keller'),
    weightDecay: weightDecay(0),
  },
  make: (o) =>
    chain(
      traceMomentum({ decay: o.momentum, ema: true }),
      orthogonalizeMatrices({ steps: o.nsSteps, coefficients: o.coefficients }),
      normalizeNeurons(o),
      addDecayedWeights(o.weightDecay),
      scaleByLearningRate(o.learningRate),
    ),
});
