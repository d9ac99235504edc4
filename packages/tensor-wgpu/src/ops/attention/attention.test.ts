import { afterEach, describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { getGpu } from '../../device.js';
import { matmulVariants, setMatmulVariant } from '../matmul/matmul.js';
import { causalAttention } from './attention.js';
import { causalAttentionRef } from './attention.ref.js';

afterEach(() => setMatmulVariant(undefined));
// 'subgroup' selects the subgroup kernels for D % 4 = 0; the others select the per-row kernels.
const variants = (await getGpu().then(matmulVariants)).filter((v) => v !== 'tiled');

describe.each(variants)('fused causal attention, %s kernels', (variant) => {
  // T not a multiple of 8 (subgroup blocks straddle the end), D = 4, 12, 36 (more vec4s than lanes); 128 uses the per-row kernel.
  it.each([[[2, 2, 5, 4]], [[1, 9, 6]], [[1, 1, 3, 130 - 2]], [[2, 11, 12]], [[1, 2, 19, 36]], [[1, 17, 8]]])('%j: forward vs reference, VJP of q, k, v', async (shape) => {
    setMatmulVariant(variant);
    const [T, D] = shape.slice(-2) as [number, number];
    await checkOp({
      inputs: [{ shape }, { shape }, { shape }],
      gpu: ([q, k, v]) => causalAttention(q!, k!, v!),
      ref: ([q, k, v]) => causalAttentionRef(q!, k!, v!, T, D),
    });
  });
  // (B, H, T, D) in, (B, T, H·D) out: T past a subgroup block, D = 4, 12 and 36 (more vec4s than lanes).
  it.each([[[2, 3, 5, 4]], [[1, 2, 11, 12]], [[2, 2, 11, 36]]])('%j with mergeHeads: the output is the heads side by side, VJP of q, k, v', async (shape) => {
    setMatmulVariant(variant);
    const [B, H, T, D] = shape as [number, number, number, number];
    const merged = (o: Float64Array): Float64Array => {
      const out = new Float64Array(o.length);
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) out[((b * T + t) * H + h) * D + d] = o[((b * H + h) * T + t) * D + d]!;
      return out;
    };
    await checkOp({
      inputs: [{ shape }, { shape }, { shape }],
      gpu: ([q, k, v]) => {
        const o = causalAttention(q!, k!, v!, { mergeHeads: true });
        expect(o.shape).toEqual([B, T, H * D]);
        return o;
      },
      ref: ([q, k, v]) => merged(causalAttentionRef(q!, k!, v!, T, D)),
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
    expect(() => causalAttention(big, big, big, { mergeHeads: true })).toThrow(/mergeHeads needs \(\.\.\., H, T, D\)/);
  });
});
