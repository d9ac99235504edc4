/**
 * An optimizer of your own, for `optimlab study run normuon-vs-muon.yaml` (which names this file as
 * its optimizerModule) or `optimlab train --optimizer-module examples/my-optimizer.ts --optimizer
 * spectral-muon+adamw`.
 *
 * Spectral Muon: Muon whose orthogonalised update of an m×n matrix (m = rows = fan-out) is scaled by
 * √(m/n), without Muon's floor at 1 (KellerJordan/Muon scales by √max(1, m/n)). That is the
 * spectral condition of Yang, Simon & Bernstein 2023 (arXiv:2310.17813): an update's spectral norm
 * should grow as √(fan-out / fan-in), so wide matrices (m < n) take smaller steps than Muon gives
 * them. Everything else is Muon: EMA Nesterov momentum, Newton–Schulz, decoupled weight decay.
 *
 * A module exports entries made with defineOptimizer; their names join the registry for the process
 * (a built-in name such as "muon" or "adamw" cannot be reused), and a matrix optimizer also gets its
 * `+adamw` split.
 */
import { addDecayedWeights, chain, defineOptimizer, elementwiseTransform, integer, oneOf, orthogonalizeMatrices, real, scaleByLearningRate, traceMomentum } from '@optimlab/optim';

/** √(rows/cols)·u for each matrix (the last two dims: a 3-D expert stack is a stack of matrices). */
const scaleBySpectralCondition = () =>
  elementwiseTransform({
    name: 'scale-by-spectral-condition',
    body: 'next = s * u;',
    state: [],
    scalars: (_count: number, shape: readonly number[]) => ({ s: Math.sqrt(shape[shape.length - 2]! / shape[shape.length - 1]!) }),
  });

export const SPECTRAL_MUON = defineOptimizer({
  name: 'spectral-muon',
  learningRate: 0.02,
  summary: 'Muon with the spectral-condition scale √(rows/cols), no floor at 1 (matrices only)',
  reference: 'Yang, Simon & Bernstein 2023 (arXiv:2310.17813); Jordan et al. 2024',
  params: 'matrices',
  hyper: {
    momentum: real('EMA momentum β', { min: 0, max: 1, maxExclusive: true }).default(0.95),
    nsSteps: integer('Newton–Schulz iterations', { min: 1, max: 20 }).default(5),
    coefficients: oneOf('Newton–Schulz coefficients', ['keller', 'polarExpress', 'dion']).default('keller'),
    weightDecay: real('decoupled weight decay', { min: 0 }).default(0),
  },
  make: (o) =>
    chain(
      traceMomentum({ decay: o.momentum, nesterov: true, ema: true }),
      orthogonalizeMatrices({ steps: o.nsSteps, coefficients: o.coefficients }),
      scaleBySpectralCondition(),
      addDecayedWeights(o.weightDecay),
      scaleByLearningRate(o.learningRate),
    ),
});
