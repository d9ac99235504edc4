import { afterEach, describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { getGpu } from '../../device.js';
import { defaultMatmulVariant, matmul, matmulAdd, matmulVariants, setMatmulVariant, type MatmulVariant } from './matmul.js';
import { matmulAddRef, matmulRef } from './matmul.ref.js';

const gpu = await getGpu();
const available = matmulVariants(gpu);

afterEach(() => setMatmulVariant(undefined));

// Shapes that are not multiples of any tile (4, 8, 16, 64), batched and broadcast.
const SHAPES: [string, number[], number[], boolean, boolean][] = [
  ['A·B', [13, 7], [7, 9], false, false],
  ['Aᵀ·B', [7, 13], [7, 9], true, false],
  ['A·Bᵀ', [13, 7], [9, 7], false, true],
  ['Aᵀ·Bᵀ', [7, 13], [9, 7], true, true],
  ['batched', [3, 5, 6], [3, 6, 11], false, false],
  ['broadcast B', [2, 70, 17], [17, 67], false, false],
  // Multiples of 4 in K and the contiguous dims: the vec4 kernels on software adapters.
  ['vec4 A·B', [13, 8], [8, 12], false, false],
  ['vec4 Aᵀ·B', [8, 12], [8, 20], true, false],
  ['vec4 A·Bᵀ', [13, 12], [9, 12], false, true],
  ['vec4 Aᵀ·Bᵀ', [4, 16], [9, 4], true, true],
  ['vec4 batched, ragged tiles', [2, 37, 16], [2, 16, 44], false, false],
  // Rows and columns past the subgroup kernel's 16×32 block, K = 4 mod 8.
  ['vec4 ragged blocks, Aᵀ·Bᵀ batched', [2, 20, 36], [2, 44, 20], true, true],
  ['vec4 ragged blocks, A·B broadcast A', [9, 12], [3, 12, 40], false, false],
];

it('the default variant is one this GPU has', () => {
  expect(available).toContain(defaultMatmulVariant(gpu));
  if (gpu.variant === 'hardware') expect(defaultMatmulVariant(gpu)).toBe('tiled');
});

describe.each(['register', 'subgroup', 'tiled'] as MatmulVariant[])('matmul, %s variant', (variant) => {
  // The subgroup kernel needs subgroups of ≥ 8 lanes; every other variant runs on any adapter.
  if (!available.includes(variant)) {
    it.skip(`not available on ${gpu.info.description}`, () => {});
    return;
  }
  it('matches hand values', async () => {
    setMatmulVariant(variant);
    const c = matmul(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 0, 0, 1, 1, 1], [3, 2]));
    expect(Array.from(await c.read())).toEqual([4, 5, 10, 11]);
  });
  it.each(SHAPES)('%s: GPU vs reference, VJP vs finite differences', async (_name, sa, sb, transA, transB) => {
    setMatmulVariant(variant);
    await checkOp({
      inputs: [{ shape: sa }, { shape: sb }],
      gpu: ([a, b]) => matmul(a!, b!, { transA, transB }),
      ref: ([a, b]) => matmulRef(a!, sa, b!, sb, { transA, transB }),
      grad: sa[0]! * sb[sb.length - 1]! < 2000, // finite differences cost O(inputs · output)
    });
  });
  it('a larger vec4 product (68×128·128×36) without gradients', async () => {
    setMatmulVariant(variant);
    await checkOp({
      inputs: [{ shape: [68, 128] }, { shape: [128, 36] }],
      gpu: ([a, b]) => matmul(a!, b!),
      ref: ([a, b]) => matmulRef(a!, [68, 128], b!, [128, 36]),
      grad: false,
      rtol: 1e-4,
      atol: 1e-4,
    });
  });
  it('a larger product in every transpose (72×136·136×100) without gradients', async () => {
    setMatmulVariant(variant);
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const sa = transA ? [136, 72] : [72, 136];
      const sb = transB ? [100, 136] : [136, 100];
      await checkOp({
        inputs: [{ shape: sa }, { shape: sb }],
        gpu: ([a, b]) => matmul(a!, b!, { transA, transB }),
        ref: ([a, b]) => matmulRef(a!, sa, b!, sb, { transA, transB }),
        grad: false,
        rtol: 1e-4,
        atol: 1e-4,
      });
    }
  });
  it('a larger product (130×200·200×190) without gradients', async () => {
    setMatmulVariant(variant);
    await checkOp({
      inputs: [{ shape: [130, 200] }, { shape: [200, 190] }],
      gpu: ([a, b]) => matmul(a!, b!),
      ref: ([a, b]) => matmulRef(a!, [130, 200], b!, [200, 190]),
      grad: false,
      rtol: 1e-4,
      atol: 1e-4,
    });
  });
});

// matmulAdd's epilogue in every kernel: vec4 and scalar shapes, batched, the transposes Newton–Schulz uses.
const ADD_SHAPES: [string, number[], number[], boolean, boolean][] = [
  ['A·Bᵀ batched', [2, 13, 7], [2, 9, 7], false, true],
  ['vec4 A·B ragged blocks', [2, 20, 12], [2, 12, 36], false, false],
  ['vec4 Aᵀ·B', [8, 12], [8, 20], true, false],
  ['vec4 A·Bᵀ batched', [3, 36, 20], [3, 24, 20], false, true],
  // vec4 operands, N not a multiple of 4: the subgroup kernel stores C by scalars.
  ['vec4 A·Bᵀ, N = 2 mod 4', [2, 20, 12], [2, 10, 12], false, true],
];

describe.each(['register', 'subgroup', 'tiled'] as MatmulVariant[])('matmulAdd (α·AB + β·D), %s variant', (variant) => {
  if (!available.includes(variant)) {
    it.skip(`not available on ${gpu.info.description}`, () => {});
    return;
  }
  it.each(ADD_SHAPES)('%s: GPU vs reference', async (_name, sa, sb, transA, transB) => {
    setMatmulVariant(variant);
    const M = transA ? sa[sa.length - 1]! : sa[sa.length - 2]!;
    const N = transB ? sb[sb.length - 2]! : sb[sb.length - 1]!;
    const shapeD = [...sa.slice(0, -2), M, N];
    const [alpha, beta] = [1.7, -0.6];
    await checkOp({
      inputs: [{ shape: sa }, { shape: sb }, { shape: shapeD }],
      gpu: ([a, b, d]) => matmulAdd(a!, b!, d!, { transA, transB, alpha, beta }),
      ref: ([a, b, d]) => matmulAddRef(a!, sa, b!, sb, d!, { transA, transB, alpha, beta }),
      grad: false,
    });
  });
});

describe('matmul errors', () => {
  it('matmulAdd names the addend shape it needs', () => {
    expect(() => matmulAdd(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2], [1, 2]))).toThrow(/addend must have the product's shape \[2, 2\]/);
  });
  it('names both shapes when inner dims differ', () => {
    expect(() => matmul(tensor([1, 2, 3, 4, 5, 6], [2, 3]), tensor([1, 2, 3, 4], [2, 2]))).toThrow(/inner dimensions differ: \[2, 3\] · \[2, 2\]/);
  });
});
