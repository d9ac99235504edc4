import { describe, expect, it } from 'vitest';
import { memoryStats, requireGrad, resetPeakMemory, scope, type Tensor } from '@optimlab/tensor-wgpu';
import { makeConfig } from './presets.js';
import { initParams } from './params.js';
import { forwardBackward, splitBatch } from './sub-batches.js';
import type { Batch } from './data/dataset.js';

/** A micro-batch of B rows of T tokens; targets of −100 spread unevenly over the rows. */
function batchOf(B: number, T: number, V: number): Batch {
  const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % V);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i % 5 === 0 || (i < T && i % 2 === 1) ? -100 : (i * 11 + 1) % V));
  return { ids, targets, batchSize: B };
}

async function step(sizes: number[], params: Record<string, Tensor>, c: ReturnType<typeof makeConfig>, batch: Batch) {
  for (const p of Object.values(params)) p.grad = undefined;
  const losses = await scope(() => {
    const r = forwardBackward(c, params, batch, sizes, { seed: 5, scale: 0.5 });
    return [r.loss.keep(), r.ce.keep(), r.aux.keep()];
  });
  const values = await Promise.all(losses.map((t) => t.item()));
  const grads: Record<string, Float32Array> = {};
  for (const [name, p] of Object.entries(params)) {
    grads[name] = (await p.grad!.read()) as Float32Array;
    p.grad!.dispose();
    p.grad = undefined;
  }
  return { values, grads };
}

describe('a micro-batch split into sub-batches', () => {
  it('gives the unsplit loss and gradients (so the same update), aux included', async () => {
    // No dropout or router noise: the split changes nothing else. A large balancing weight makes
    // aux's dependence on the whole batch's expert shares visible.
    const c = makeConfig('smoke', { vocabSize: 40, dModel: 16, nHeads: 2, nLayers: 2, dFF: 24, numExperts: 4, seqLen: 8, dropout: 0, routerNoiseStd: 0, loadBalancingWeight: 0.5, initStd: 0.3 });
    const params = initParams(c, 9);
    for (const p of Object.values(params)) requireGrad(p);
    const batch = batchOf(4, 8, c.vocabSize);
    const whole = await step([4], params, c, batch);
    for (const sizes of [[2, 2], [3, 1]]) {
      const split = await step(sizes, params, c, batch);
      expect(split.values, `losses with ${sizes.join(' + ')}`).toBeAllclose(whole.values, { rtol: 2e-6, atol: 1e-7 });
      for (const name of Object.keys(params)) {
        expect(split.grads[name], `${name} with ${sizes.join(' + ')}`).toBeAllclose(whole.grads[name]!, { rtol: 1e-4, atol: 2e-6 });
      }
    }
    expect(whole.values[2]).toBeGreaterThan(0.1); // aux really contributes
  });

  it('holds one sub-batch of activations at a time: the peak falls with the split', async () => {
    const c = makeConfig('smoke', { vocabSize: 64, dModel: 32, nLayers: 2, dFF: 256, seqLen: 64 });
    const params = initParams(c, 2);
    for (const p of Object.values(params)) requireGrad(p);
    const batch = batchOf(8, 64, c.vocabSize);
    const peak = (sizes: number[]): number => {
      resetPeakMemory();
      const before = memoryStats().liveBytes;
      scope(() => forwardBackward(c, params, batch, sizes, { seed: 1 }));
      for (const p of Object.values(params)) {
        p.grad?.dispose();
        p.grad = undefined;
      }
      return memoryStats().peakLiveBytes - before;
    };
    const whole = peak([8]);
    const quarters = peak([2, 2, 2, 2]);
    expect(quarters).toBeLessThan(0.5 * whole);
  });

  it('splitBatch cuts whole rows and checks the sizes', () => {
    const b = batchOf(3, 4, 10);
    const [first, second] = splitBatch(b, [2, 1]);
    expect(first!.ids).toEqual(b.ids.subarray(0, 8));
    expect(second!.targets).toEqual(b.targets.subarray(8, 12));
    expect(() => splitBatch(b, [2, 2])).toThrow(/do not make the batch's 3/);
  });
});
