/**
 * matmul(a, b, { transA, transB }): (..., M, K)·(..., K, N) → (..., M, N), batched over leading
 * dims (equal, or 1 to broadcast). Kernel variant chosen per adapter; see matmul.wgsl.ts.
 */
import { record } from '../../autodiff/tape.js';
import { gpuSync, type Gpu } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, broadcastShapes, prod, u32 } from '../common.js';
import { SUBGROUP_BLOCK, matmulSubgroupWgsl } from './matmul-subgroup.wgsl.js';
import { REGISTER_BLOCK, TILED, VEC4_ROWS, matmulRegisterWgsl, matmulTiledWgsl, matmulVec4Wgsl } from './matmul.wgsl.js';

export interface MatmulOptions {
  /** Use Aᵀ: a is (..., K, M). */
  readonly transA?: boolean;
  /** Use Bᵀ: b is (..., N, K). */
  readonly transB?: boolean;
}

/**
 * The matmul kernel families (see matmul.wgsl.ts and matmul-subgroup.wgsl.ts):
 * - `register`: per-invocation 4×4 blocks straight from storage (software adapters);
 * - `subgroup`: 8-lane subgroups sharing A by broadcast (software adapters with subgroups ≥ 8);
 * - `tiled`: 64×64 workgroup-memory tiles (hardware GPUs).
 * `subgroup` and the vec4 form of `register` need K and the operands' contiguous dims in multiples
 * of 4; other shapes fall back to the scalar register kernel.
 */
export type MatmulVariant = 'register' | 'subgroup' | 'tiled';

/** The variants this GPU can run: all but `subgroup` run anywhere. */
export function matmulVariants(gpu: Gpu): MatmulVariant[] {
  return subgroupReady(gpu) ? ['register', 'subgroup', 'tiled'] : ['register', 'tiled'];
}

/** The variant matmul uses on this GPU unless forced. */
export function defaultMatmulVariant(gpu: Gpu): MatmulVariant {
  if (gpu.variant === 'hardware') return 'tiled';
  return subgroupReady(gpu) ? 'subgroup' : 'register';
}

const subgroupReady = (gpu: Gpu): boolean => gpu.subgroupMinSize !== undefined && gpu.subgroupMinSize >= SUBGROUP_BLOCK.lanes;

let forcedVariant: MatmulVariant | undefined;
/**
 * Forces a kernel variant for matmul and the grouped (MoE) matmul: tests run each variant on any
 * adapter that has it. undefined restores the default.
 */
export function setMatmulVariant(variant: MatmulVariant | undefined): void {
  forcedVariant = variant;
}

/** The variant in force: the forced one, else this GPU's default. */
export function currentMatmulVariant(gpu: Gpu): MatmulVariant {
  const variant = forcedVariant ?? defaultMatmulVariant(gpu);
  if (variant === 'subgroup' && !subgroupReady(gpu)) throw new Error('matmul: the subgroup variant needs the `subgroups` feature with subgroups of ≥ 8 lanes.');
  return variant;
}

export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulOptions = {}): Tensor {
  assertF32(a, 'matmul');
  assertF32(b, 'matmul');
  if (a.ndim < 2 || b.ndim < 2) throw new RangeError(`matmul: operands need rank ≥ 2, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}.`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [Kb, N] = transB ? [bc, br] : [br, bc];
  if (K !== Kb) {
    throw new RangeError(`matmul: inner dimensions differ: ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''} (${K} vs ${Kb}).`);
  }
  const batchShape = broadcastShapes('matmul (batch dims)', a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = prod(batchShape);
  const aBatch = prod(a.shape.slice(0, -2));
  const bBatch = prod(b.shape.slice(0, -2));
  if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch)) {
    throw new RangeError(`matmul: batch dims of ${shapeStr(a.shape)} and ${shapeStr(b.shape)} must be equal or 1.`);
  }
  const out = new Tensor([...batchShape, M, N]);
  if (batch > 0 && M > 0 && N > 0) {
    const aStrides = transA ? [1, ac] : [ac, 1]; // (m, k)
    const bStrides = transB ? [1, bc] : [bc, 1]; // (k, n)
    const uniforms = [M, N, K, batch, aBatch === 1 ? 0 : ar * ac, ...aStrides, bBatch === 1 ? 0 : br * bc, ...bStrides].map(u32);
    const gpu = gpuSync();
    const variant = currentMatmulVariant(gpu);
    // vec4 loads need K, and the contiguous dim of each operand, in multiples of 4.
    const vec4 = K % 4 === 0 && (transA ? M % 4 === 0 : true) && (transB ? true : N % 4 === 0);
    if (variant === 'subgroup' && vec4) {
      const wgs: [number, number, number] = [Math.ceil(N / SUBGROUP_BLOCK.cols), Math.ceil(M / SUBGROUP_BLOCK.rows), batch];
      const k = kernel(`matmul-subgroup:${!transA}:${!transB}`, () => matmulSubgroupWgsl(!transA, !transB));
      dispatch(k, uniforms, [a.buffer, b.buffer, out.buffer], wgs);
    } else if (variant !== 'tiled') {
      const rows = vec4 ? VEC4_ROWS : 4;
      const wgs: [number, number, number] = [Math.ceil(N / 4 / REGISTER_BLOCK.wgX), Math.ceil(M / rows / REGISTER_BLOCK.wgY), batch];
      const k = vec4
        ? kernel(`matmul-vec4:${!transA}:${!transB}:${rows}`, () => matmulVec4Wgsl(!transA, !transB, rows))
        : kernel('matmul-register', matmulRegisterWgsl);
      dispatch(k, uniforms, [a.buffer, b.buffer, out.buffer], wgs);
    } else {
      const wgs: [number, number, number] = [Math.ceil(N / TILED.tile), Math.ceil(M / TILED.tile), batch];
      dispatch(kernel('matmul-tiled', matmulTiledWgsl), uniforms, [a.buffer, b.buffer, out.buffer], wgs);
    }
  }
  return record('matmul', [a, b], { transA, transB }, out);
}
