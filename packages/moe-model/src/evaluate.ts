/**
 * The validation pass of a training run: token-weighted cross-entropy without the aux loss, argmax
 * accuracy, perplexity capped at e^20, each layer's expert utilisation and router entropy. Every
 * evaluation batch runs as the adapter's batch plan splits it; the only readbacks are the fused
 * head's statistics and the per-layer sums.
 */
import { addScalar, gpuSync, log as logT, mul, noGrad, scopeAsync, sumAll, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';
import { forward } from './model.js';
import { evalBatches, type Batch, type Blocks } from './data/dataset.js';
import { planBatch } from './batch-plan.js';
import { splitBatch } from './sub-batches.js';

export interface EvalInfo {
  readonly step: number;
  readonly valLoss: number;
  readonly accuracy: number;
  readonly perplexity: number;
  /** Per layer: share of tokens per expert. */
  readonly utilisation: number[][];
  /** Per layer: mean router entropy (nats). */
  readonly routerEntropy: number[];
}

function toTensors(b: Batch, T: number): { ids: Tensor; targets: Tensor } {
  return { ids: tensor(b.ids, [b.batchSize, T], 'i32'), targets: tensor(b.targets, [b.batchSize, T], 'i32') };
}

/** Validation metrics over up to `maxBatches` batches (no dropout, no noise, no aux). */
export async function evaluate(c: MoEConfig, params: Record<string, Tensor>, val: Blocks, batchSize: number, maxBatches: number, step: number): Promise<EvalInfo> {
  let lossSum = 0;
  let correct = 0;
  let tokens = 0;
  const util: number[][] = Array.from({ length: c.nLayers }, () => new Array<number>(c.numExperts).fill(0));
  const entropy = new Array<number>(c.nLayers).fill(0);
  const batches = evalBatches(val, batchSize, maxBatches).flatMap((b) => splitBatch(b, planBatch(c, b.batchSize, gpuSync().limits).subBatches));
  for (const b of batches) {
    await scopeAsync(async () => {
      const { ids, targets } = toTensors(b, val.seqLen);
      const r = noGrad(() => forward(c, params, ids, targets, { training: false }));
      const entropies = noGrad(() => r.routerProbs.map((p) => sumAll(mul(p, logT(addScalar(p, 1e-20)))))); // Σ p log p
      // Loss sum, argmax-correct and counted tokens come from the fused head, chunk by chunk.
      const [stats, ...rest] = await Promise.all([r.ceStats.read(), ...entropies.map((e) => e.item()), ...r.utilisation.map((u) => u.read())]);
      const n = stats[2]!;
      correct += stats[1]!;
      lossSum += stats[0]!;
      tokens += n;
      const N = b.ids.length;
      rest.slice(0, c.nLayers).forEach((e, l) => (entropy[l]! += (-(e as number) / N) * n));
      rest.slice(c.nLayers).forEach((u, l) => (u as Float32Array).forEach((v, e) => (util[l]![e]! += v * n)));
    });
  }
  const valLoss = lossSum / Math.max(tokens, 1);
  return {
    step,
    valLoss,
    accuracy: correct / Math.max(tokens, 1),
    perplexity: Math.exp(Math.min(valLoss, 20)),
    utilisation: util.map((row) => row.map((v) => v / Math.max(tokens, 1))),
    routerEntropy: entropy.map((v) => v / Math.max(tokens, 1)),
  };
}
