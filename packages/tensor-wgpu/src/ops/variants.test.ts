/** The variant tables: every variant has a kernel for any problem, and the limits are enforced. */
import { describe, expect, it } from 'vitest';
import { getGpu } from '../device.js';
import { tensor, zeros } from '../creation.js';
import { ATTENTION_KERNELS, causalAttention } from './attention/attention.js';
import { GROUPED_MATMUL_KERNELS, routeByExpert } from './moe/moe.js';
import { MATMUL_KERNELS, defaultMatmulVariant, matmulVariants } from './matmul/matmul.js';
import { topk } from './topk/topk.js';
import { KERNEL_LIMITS } from './limits.js';
import { MATMUL_VARIANTS, pickKernel, type KernelRow } from './variants.js';

const gpu = await getGpu();
const variants = MATMUL_VARIANTS.map((v) => v.name);

describe('kernel variant tables', () => {
  // Odd sizes: no vec4 row is eligible, so each variant must reach a catch-all row.
  const odd = { M: 5, N: 7, K: 3, batch: 1, transA: false, transB: false, vec4: false, epilogue: false, uniforms: [], buffers: [], sizes: [] };
  const cases: [string, readonly KernelRow<any>[], unknown][] = [
    ['matmul', MATMUL_KERNELS, odd],
    ['attention', ATTENTION_KERNELS, { pass: 'forward', BH: 1, T: 3, D: 6, uniforms: [], buffers: [] }],
    ['grouped matmul', GROUPED_MATMUL_KERNELS, { pass: 'backward', R: 3, O: 5, I: 7, E: 2, buffers: [] }],
  ];
  it.each(cases)('%s: every variant picks an eligible kernel for any shape', (_op, rows, problem) => {
    for (const v of variants) expect(pickKernel('op', rows, v, problem).serves).toContain(v);
  });
  it('the subgroup variant picks the subgroup kernels where they are eligible', () => {
    expect(pickKernel('matmul', MATMUL_KERNELS, 'subgroup', { ...odd, vec4: true }).name).toBe('subgroup');
    expect(pickKernel('attention', ATTENTION_KERNELS, 'subgroup', { pass: 'forward', BH: 1, T: 3, D: 16, uniforms: [], buffers: [] }).name).toBe('subgroup');
    expect(pickKernel('attention', ATTENTION_KERNELS, 'subgroup', { pass: 'forward', BH: 1, T: 3, D: KERNEL_LIMITS.maxSubgroupHeadDim + 4, uniforms: [], buffers: [] }).name).toBe('generic');
  });
  it('the default variant is available, and tiled is the default on hardware', () => {
    expect(matmulVariants(gpu)).toContain(defaultMatmulVariant(gpu));
    expect(defaultMatmulVariant(gpu)).toBe(gpu.variant === 'hardware' ? 'tiled' : matmulVariants(gpu).includes('subgroup') ? 'subgroup' : 'register');
  });
});

describe('kernel limits', () => {
  it('ops reject inputs past KERNEL_LIMITS', () => {
    const D = KERNEL_LIMITS.maxHeadDim + 2;
    const q = zeros([1, 2, D]);
    expect(() => causalAttention(q, q, q)).toThrow(new RegExp(`exceeds ${KERNEL_LIMITS.maxHeadDim}`));
    expect(() => topk(zeros([2, KERNEL_LIMITS.maxTopK + 2]), KERNEL_LIMITS.maxTopK + 1)).toThrow(/k must be an integer/);
    expect(() => routeByExpert(tensor([0, 1], [2], 'i32'), KERNEL_LIMITS.maxExperts + 1)).toThrow(/number of experts/);
  });
});
