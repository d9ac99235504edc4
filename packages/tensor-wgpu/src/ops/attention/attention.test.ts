import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { causalAttention } from './attention.js';
import { causalAttentionRef } from './attention.ref.js';

describe('fused causal attention', () => {
  it.each([[[2, 2, 5, 4]], [[1, 9, 6]], [[1, 1, 3, 130 - 2]]])('%j: forward vs reference, VJP of q, k, v', async (shape) => {
    const [T, D] = shape.slice(-2) as [number, number];
    await checkOp({
      inputs: [{ shape }, { shape }, { shape }],
      gpu: ([q, k, v]) => causalAttention(q!, k!, v!),
      ref: ([q, k, v]) => causalAttentionRef(q!, k!, v!, T, D),
    });
  });
  it('the first position attends only to itself', async () => {
    const v = tensor([5, 6, 7, 8], [2, 2]);
    const o = await causalAttention(tensor([1, 0, 0, 1], [2, 2]), tensor([1, 0, 0, 1], [2, 2]), v).read();
    expect(Array.from(o.subarray(0, 2))).toEqual([5, 6]);
  });
  it('rejects mismatched shapes and oversized heads', () => {
    expect(() => causalAttention(tensor([1, 2], [1, 2]), tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2], [1, 2]))).toThrow(/share one/);
    const big = tensor(new Array(130).fill(0), [1, 130]);
    expect(() => causalAttention(big, big, big)).toThrow(/head dim 130 exceeds 128/);
  });
});
