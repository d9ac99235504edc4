/**
 * matmul(a, b, { transA, transB }): (..., M, K)·(..., K, N) → (..., M, N), batched over leading
 * dims (equal, or 1 to broadcast). Kernel variant chosen per adapter; see matmul.wgsl.ts.
 */
import { record } from '../../autodiff/tape.js';
import { gpuSync, type KernelVariant } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, broadcastShapes, prod, u32 } from '../common.js';
import { REGISTER_BLOCK, TILED, VEC4_ROWS, matmulRegisterWgsl, matmulTiledWgsl, matmulVec4Wgsl } from './matmul.wgsl.js';

export interface MatmulOptions {
  /** Use Aᵀ: a is (..., K, M). */
  readonly transA?: boolean;
  /** Use Bᵀ: b is (..., N, K). */
  readonly transB?: boolean;
}

let forcedVariant: KernelVariant | undefined;
/** Forces a kernel variant (tests run both on any adapter); undefined restores the adapter's. */
export function setMatmulVariant(variant: KernelVariant | undefined): void {
  forcedVariant = variant;
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
    const variant = forcedVariant ?? gpuSync().variant;
    if (variant === 'software') {
      // vec4 loads need K, and the contiguous dim of each operand, in multiples of 4.
      const vec4 = K % 4 === 0 && (transA ? M % 4 === 0 : true) && (transB ? true : N % 4 === 0);
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
