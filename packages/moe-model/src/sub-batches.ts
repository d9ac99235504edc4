/**
 * One micro-batch's forward and backward run as the sub-batches of its plan (batch-plan.ts), one
 * after another, each in its own scope so only one sub-batch's activations are alive at a time;
 * gradients accumulate in the parameters' `.grad`. Weighted so that the result equals the unsplit
 * micro-batch: the CE of sub-batch s counts with its share of the counted tokens (c_s / c), and its
 * load-balancing loss with its share of the tokens (N_s / N) — computed with the WHOLE micro-batch's
 * expert shares f_e (a no-grad pre-pass through the trunk), since aux = w·E·Σ_e f_e·P_e is linear
 * in the mean router probabilities P but not in f. With dropout or router noise on, sub-batch s
 * draws from its own seed (seed + s·2³²), so masks are equally distributed but not the unsplit ones.
 */
import { add, backward, mulScalar, noGrad, scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';
import type { Batch } from './data/dataset.js';
import { forward, forwardHidden } from './model.js';

/** The rows of `b` cut into consecutive sub-batches of the given sizes. */
export function splitBatch(b: Batch, sizes: readonly number[]): Batch[] {
  if (sizes.length === 1) return [b];
  const T = b.ids.length / b.batchSize;
  const out: Batch[] = [];
  let row = 0;
  for (const rows of sizes) {
    const [from, to] = [row * T, (row + rows) * T];
    out.push({ ids: b.ids.subarray(from, to), targets: b.targets.subarray(from, to), batchSize: rows });
    row += rows;
  }
  if (row !== b.batchSize) throw new RangeError(`splitBatch: sub-batches of ${sizes.join(' + ')} rows do not make the batch's ${b.batchSize}.`);
  return out;
}

/** The seed of sub-batch s: the micro-batch's own for s = 0 (an unsplit batch is unchanged). */
export const subBatchSeed = (seed: number, s: number): number => seed + s * 2 ** 32;

const countedTargets = (targets: Int32Array, V: number): number => targets.reduce((n, t) => n + (t >= 0 && t < V ? 1 : 0), 0);

function toTensors(b: Batch): { ids: Tensor; targets: Tensor } {
  const T = b.ids.length / b.batchSize;
  return { ids: tensor(b.ids, [b.batchSize, T], 'i32'), targets: tensor(b.targets, [b.batchSize, T], 'i32') };
}

/** Per layer, the whole micro-batch's share of routed slots per expert: Σ_s (N_s/N)·f_s. */
function wholeBatchFractions(c: MoEConfig, params: Readonly<Record<string, Tensor>>, parts: readonly Batch[], seed: number): Tensor[] {
  const B = parts.reduce((n, p) => n + p.batchSize, 0);
  let acc: Tensor[] = [];
  parts.forEach((part, s) =>
    noGrad(() => {
      const shares = scope(() => {
        const r = forwardHidden(c, params, toTensors(part).ids, { training: true, seed: subBatchSeed(seed, s) });
        return r.utilisation.map((f) => mulScalar(f, part.batchSize / B));
      });
      acc = acc.length === 0 ? shares : acc.map((a, l) => add(a, shares[l]!));
    }),
  );
  return acc;
}

export interface MicroBatchLoss {
  /** CE + aux of the whole micro-batch, []. */
  readonly loss: Tensor;
  readonly ce: Tensor;
  readonly aux: Tensor;
}

/**
 * Forward and backward of one training micro-batch in the sub-batches `sizes` (rows; from a
 * BatchPlan), accumulating `scale` × the gradient of the micro-batch's loss into the parameters.
 * Returns the loss terms (no gradient) for logging.
 */
export function forwardBackward(c: MoEConfig, params: Readonly<Record<string, Tensor>>, batch: Batch, sizes: readonly number[], { seed, scale = 1 }: { seed: number; scale?: number }): MicroBatchLoss {
  const parts = splitBatch(batch, sizes);
  const counted = parts.map((p) => countedTargets(p.targets, c.vocabSize));
  const total = counted.reduce((a, b) => a + b, 0);
  const fractions = parts.length > 1 && c.loadBalancingWeight > 0 ? wholeBatchFractions(c, params, parts, seed) : undefined;
  let sums: Tensor[] = [];
  parts.forEach((part, s) => {
    const terms = scope(() => {
      const { ids, targets } = toTensors(part);
      const r = forward(c, params, ids, targets, { training: true, seed: subBatchSeed(seed, s), ...(fractions ? { balanceFractions: fractions } : {}) });
      const [wCe, wAux] = parts.length === 1 ? [1, 1] : [total > 0 ? counted[s]! / total : 0, part.batchSize / batch.batchSize];
      backward(add(mulScalar(r.ce, wCe * scale), mulScalar(r.aux!, wAux * scale)));
      return noGrad(() => [mulScalar(r.ce, wCe), mulScalar(r.aux!, wAux)]);
    });
    sums = sums.length === 0 ? terms : noGrad(() => sums.map((a, i) => add(a, terms[i]!)));
  });
  const [ce, aux] = sums as [Tensor, Tensor];
  return { loss: noGrad(() => add(ce, aux)), ce, aux };
}
