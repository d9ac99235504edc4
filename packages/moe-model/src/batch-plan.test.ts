import { describe, expect, it } from 'vitest';
import { sizeClass } from '@optimlab/tensor-wgpu';
import { makeConfig } from './presets.js';
import { checkModelFits, describeBatchPlan, describePresetBatches, evenSplit, planBatch } from './batch-plan.js';
import { InputError } from './errors.js';

const LAVAPIPE = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 2 ** 31 };
const BIG_GPU = { maxStorageBufferBindingSize: 2 ** 32 - 4, maxBufferSize: 2 ** 32 };

describe('batch plan', () => {
  it('the thesis batch of 24 × 512 runs as 2 × 12 under a 128 MiB binding: the experts\' hidden layer decides', () => {
    const c = makeConfig('thesis');
    const plan = planBatch(c, 24, LAVAPIPE);
    expect(plan.fits).toBe(true);
    expect(plan.subBatches).toEqual([12, 12]);
    expect(plan.largest.name).toMatch(/experts' hidden/);
    expect(plan.largest.bytes).toBe(sizeClass(12 * 512 * 2 * 1536 * 4));
    expect(sizeClass(24 * 512 * 2 * 1536 * 4)).toBeGreaterThan(LAVAPIPE.maxStorageBufferBindingSize); // why it splits
    expect(describeBatchPlan(plan)).toMatch(/^micro-batch 24 runs as 2 × 12 on this adapter \(estimated peak [\d.]+ GB/);
    expect(planBatch(c, 24, BIG_GPU).subBatches).toEqual([24]);
    expect(describeBatchPlan(planBatch(c, 24, BIG_GPU))).toMatch(/^micro-batch 24 runs whole on this adapter/);
  });

  it('doctor lines: one per preset with its batch', () => {
    const lines = describePresetBatches(LAVAPIPE);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^thesis: micro-batch 24 runs as 2 × 12 on this adapter/);
    expect(lines[2]).toMatch(/^smoke: micro-batch 4 runs whole on this adapter/);
  });

  it('uneven batches split as evenly as possible; a memory budget splits further', () => {
    expect(evenSplit(10, 4)).toEqual([3, 3, 2, 2]);
    const c = makeConfig('thesis');
    const plan = planBatch(c, 25, LAVAPIPE);
    expect(plan.subBatches).toEqual([13, 12]);
    expect(describeBatchPlan(plan)).toMatch(/runs as 13 \+ 12/);
    const whole = planBatch(c, 24, BIG_GPU);
    const budgeted = planBatch(c, 24, BIG_GPU, { memoryBudgetBytes: whole.peakBytes * 0.6 });
    expect(budgeted.subBatches.length).toBeGreaterThan(1);
    expect(budgeted.peakBytes).toBeLessThanOrEqual(whole.peakBytes * 0.6);
  });

  it('says what does not fit: a weight over the limit, or one row over it', () => {
    const wide = planBatch(makeConfig('thesis', { vocabSize: 400_000 }), 24, LAVAPIPE);
    expect(wide.fits).toBe(false);
    expect(describeBatchPlan(wide)).toMatch(/^micro-batch 24 does not fit this adapter: the largest tensor, embed.weight \[400000, 384\], is 585.9 MiB, over this adapter's 128 MiB limit/);
    const long = planBatch(makeConfig('thesis', { seqLen: 16384 }), 4, LAVAPIPE);
    expect(long.fits).toBe(false);
    expect(long.reason).toMatch(/the largest tensor, the experts' hidden activations .*, is [\d.,]+ MiB for a single row/);
  });

  it('checkModelFits refuses in one line naming the largest tensor and the limit (dModel 16384: a 1 GiB attention weight)', () => {
    const huge = makeConfig('cpu', { dModel: 16384, nHeads: 128 });
    expect(() => checkModelFits(huge, 8, LAVAPIPE)).toThrow(new InputError("The model does not fit this adapter: the largest tensor, blocks.0.attn.qkv.weight [49152, 16384], is 3,072 MiB, over this adapter's 128 MiB limit for one buffer; make the model (dModel, vocabSize, dFF, numExperts) or the batch smaller."));
    expect(() => checkModelFits(makeConfig('cpu'), 8, LAVAPIPE)).not.toThrow();
    expect(() => checkModelFits(makeConfig('cpu'), 8, BIG_GPU, { memoryBytes: 1e6 })).toThrow(/over the memory budget of 1 MiB/);
  });
});
