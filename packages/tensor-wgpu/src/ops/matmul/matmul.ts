/**
 * matmul(a, b, { transA, transB }): (..., M, K)·(..., K, N) → (..., M, N), batched over leading
 * dims (equal, or 1 to broadcast); matmulAdd adds the epilogue α·op(a)·op(b) + β·d (optimizers:
 * not differentiable). The kernel is a row of MATMUL_KERNELS picked for the variant in force.
 */
import { record } from '../../autodiff/record.js';
import { gpuSync, type Gpu } from '../../device.js';
import type { PooledBuffer } from '../../buffer.js';
import { dispatch, kernel, type UniformValue } from '../../runtime.js';
import { Tensor, sameShape, shapeStr } from '../../tensor.js';
import { assertF32, broadcastShapes, f32, prod, u32 } from '../common.js';
import { availableVariants, pickKernel, preferredVariant, type KernelRow, type MatmulVariant } from '../variants.js';
import { notePick, pickTunedKernel, type Tunable } from '../autotune.js';
import { SUBGROUP_BLOCK, TALL_SUBGROUP_ROWS, matmulSubgroupWgsl } from './matmul-subgroup.wgsl.js';
import { REGISTER_BLOCK, TILED, VEC4_ROWS, matmulRegisterWgsl, matmulTiledWgsl, matmulVec4Wgsl } from './matmul.wgsl.js';

export type { MatmulVariant } from '../variants.js';

export interface MatmulOptions {
  /** Use Aᵀ: a is (..., K, M). */
  readonly transA?: boolean;
  /** Use Bᵀ: b is (..., N, K). */
  readonly transB?: boolean;
}

/** The variants this GPU can run: all but `subgroup` run anywhere. */
export const matmulVariants = (gpu: Gpu): MatmulVariant[] => availableVariants(gpu);

/** The variant matmul uses on this GPU unless forced. */
export const defaultMatmulVariant = (gpu: Gpu): MatmulVariant => preferredVariant(gpu);

let forcedVariant: MatmulVariant | undefined;
/**
 * Forces a kernel variant for matmul, the grouped (MoE) matmul and attention: tests run each
 * variant on any adapter that has it. undefined restores the default.
 */
export function setMatmulVariant(variant: MatmulVariant | undefined): void {
  forcedVariant = variant;
}

/** OPTIMLAB_MATMUL_VARIANT: the variant a whole process runs (scripts/gpu-check.sh tests each). */
function variantFromEnvironment(): MatmulVariant | undefined {
  const name = typeof process === 'undefined' ? undefined : process.env['OPTIMLAB_MATMUL_VARIANT'];
  if (!name) return undefined;
  const known = ['register', 'subgroup', 'tiled'];
  if (!known.includes(name)) throw new Error(`OPTIMLAB_MATMUL_VARIANT="${name}" is not a matmul variant: use one of ${known.join(', ')}.`);
  return name as MatmulVariant;
}

/** The variant forced by setMatmulVariant or OPTIMLAB_MATMUL_VARIANT, if any (else the autotuner picks rows). */
export function forcedMatmulVariant(gpu: Gpu): MatmulVariant | undefined {
  const variant = forcedVariant ?? variantFromEnvironment();
  if (variant && !matmulVariants(gpu).includes(variant)) throw new Error(`matmul: the ${variant} variant is not available on this adapter (available: ${matmulVariants(gpu).join(', ')}).`);
  return variant;
}

/** The variant in force: the forced one, else OPTIMLAB_MATMUL_VARIANT, else this GPU's default. */
export function currentMatmulVariant(gpu: Gpu): MatmulVariant {
  const variant = forcedVariant ?? variantFromEnvironment() ?? defaultMatmulVariant(gpu);
  if (!matmulVariants(gpu).includes(variant)) throw new Error(`matmul: the ${variant} variant is not available on this adapter (available: ${matmulVariants(gpu).join(', ')}).`);
  return variant;
}

/** One product as the kernels see it. */
export interface MatmulProblem {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batch: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** K, and the contiguous dim of each operand, in multiples of 4 (vec4 loads). */
  readonly vec4: boolean;
  /** With D: C = α·acc + β·D. */
  readonly epilogue: boolean;
  readonly uniforms: readonly UniformValue[];
  readonly buffers: readonly PooledBuffer[];
  /** Floats in each buffer (for the autotuner's scratch copies). */
  readonly sizes: readonly number[];
}

const tag = (p: MatmulProblem): string => `${!p.transA}:${!p.transB}${p.epilogue ? ':epilogue' : ''}`;

/** A subgroup kernel with blocks of `rows` rows; rows of C stored as vec4s when N allows (one 16-byte store per row instead of four). */
function subgroupRow(name: string, rows: number): KernelRow<MatmulProblem> {
  const suffix = rows === SUBGROUP_BLOCK.rows ? '' : `:rows${rows}`;
  return {
    name,
    serves: ['subgroup'],
    eligible: (p) => p.vec4,
    dispatch: (p) => {
      const vec4Out = p.N % 4 === 0;
      const k = kernel(`matmul-subgroup:${tag(p)}${vec4Out ? ':vec4-store' : ''}${suffix}`, () => matmulSubgroupWgsl(!p.transA, !p.transB, p.epilogue, vec4Out, rows));
      dispatch(k, p.uniforms, p.buffers, [Math.ceil(p.N / SUBGROUP_BLOCK.cols), Math.ceil(p.M / rows), p.batch]);
    },
  };
}

/**
 * The matmul kernels in order of preference; the scalar register kernel takes any shape. Under a
 * forced variant the first eligible row serving it runs; the autotuner times every candidate.
 */
export const MATMUL_KERNELS: readonly KernelRow<MatmulProblem>[] = [
  subgroupRow('subgroup', SUBGROUP_BLOCK.rows),
  subgroupRow('subgroup (32 rows)', TALL_SUBGROUP_ROWS),
  {
    name: 'register (vec4)',
    serves: ['register'],
    eligible: (p) => p.vec4,
    dispatch: (p) => {
      const k = kernel(`matmul-vec4:${tag(p)}:${VEC4_ROWS}`, () => matmulVec4Wgsl(!p.transA, !p.transB, VEC4_ROWS, p.epilogue));
      dispatch(k, p.uniforms, p.buffers, [Math.ceil(p.N / 4 / REGISTER_BLOCK.wgX), Math.ceil(p.M / VEC4_ROWS / REGISTER_BLOCK.wgY), p.batch]);
    },
  },
  {
    name: 'register (scalar)',
    serves: ['register', 'subgroup'],
    eligible: () => true,
    dispatch: (p) => {
      const k = kernel(`matmul-register${p.epilogue ? ':epilogue' : ''}`, () => matmulRegisterWgsl(p.epilogue));
      dispatch(k, p.uniforms, p.buffers, [Math.ceil(p.N / 4 / REGISTER_BLOCK.wgX), Math.ceil(p.M / 4 / REGISTER_BLOCK.wgY), p.batch]);
    },
  },
  {
    name: 'tiled',
    serves: ['tiled'],
    eligible: () => true,
    dispatch: (p) => {
      const k = kernel(`matmul-tiled${p.epilogue ? ':epilogue' : ''}`, () => matmulTiledWgsl(p.epilogue));
      dispatch(k, p.uniforms, p.buffers, [Math.ceil(p.N / TILED.tile), Math.ceil(p.M / TILED.tile), p.batch]);
    },
  },
];

/** Power-of-two bucket of a size: the autotuner's shape classes. */
const bucket = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** Matmul for the autotuner (see ../autotune.ts): one choice per transpose, epilogue, vec4 and size bucket. */
export const MATMUL_TUNABLE: Tunable<MatmulProblem> = {
  op: 'matmul',
  rows: MATMUL_KERNELS,
  classKey: (p) => `${p.transA ? 'T' : 'N'}${p.transB ? 'T' : 'N'}${p.epilogue ? '+D' : ''}${p.vec4 ? ':vec4' : ''}:M${bucket(p.M)}:N${bucket(p.N)}:K${bucket(p.K)}:B${bucket(p.batch)}`,
  describe: (p) => `M=${p.M} N=${p.N} K=${p.K} batch=${p.batch}`,
  flops: (p) => 2 * p.M * p.N * p.K * p.batch,
  scratch: (p) => {
    const tensors = p.sizes.map((n) => new Tensor([n]));
    return { problem: { ...p, buffers: tensors.map((t) => t.buffer) }, dispose: () => tensors.forEach((t) => t.dispose()) };
  },
};

/** The row for `problem`: under a forced variant its first eligible row, else the autotuner's. */
function pickMatmulKernel(op: string, problem: MatmulProblem): KernelRow<MatmulProblem> {
  const gpu = gpuSync();
  const forced = forcedMatmulVariant(gpu);
  if (!forced) return pickTunedKernel(MATMUL_TUNABLE, problem);
  const row = pickKernel(op, MATMUL_KERNELS, forced, problem);
  notePick('matmul', row.name);
  return row;
}

interface Epilogue {
  readonly d: Tensor;
  readonly alpha: number;
  readonly beta: number;
}

function checkedProduct(op: string, a: Tensor, b: Tensor, transA: boolean, transB: boolean, epilogue: Epilogue | undefined): Tensor {
  assertF32(a, op);
  assertF32(b, op);
  if (a.ndim < 2 || b.ndim < 2) throw new RangeError(`${op}: operands need rank ≥ 2, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}.`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [M, K] = transA ? [ac, ar] : [ar, ac];
  const [Kb, N] = transB ? [bc, br] : [br, bc];
  if (K !== Kb) {
    throw new RangeError(`${op}: inner dimensions differ: ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''} (${K} vs ${Kb}).`);
  }
  const batchShape = broadcastShapes(`${op} (batch dims)`, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = prod(batchShape);
  const aBatch = prod(a.shape.slice(0, -2));
  const bBatch = prod(b.shape.slice(0, -2));
  if ((aBatch !== 1 && aBatch !== batch) || (bBatch !== 1 && bBatch !== batch)) {
    throw new RangeError(`${op}: batch dims of ${shapeStr(a.shape)} and ${shapeStr(b.shape)} must be equal or 1.`);
  }
  const out = new Tensor([...batchShape, M, N]);
  if (epilogue) {
    assertF32(epilogue.d, op);
    if (!sameShape(epilogue.d.shape, out.shape)) throw new RangeError(`${op}: the addend must have the product's shape ${shapeStr(out.shape)}, got ${shapeStr(epilogue.d.shape)}.`);
  }
  if (batch === 0 || M === 0 || N === 0) return out;
  const aStrides = transA ? [1, ac] : [ac, 1]; // (m, k)
  const bStrides = transB ? [1, bc] : [bc, 1]; // (k, n)
  const uniforms = [M, N, K, batch, aBatch === 1 ? 0 : ar * ac, ...aStrides, bBatch === 1 ? 0 : br * bc, ...bStrides].map(u32);
  const problem: MatmulProblem = {
    M, N, K, batch, transA, transB,
    vec4: K % 4 === 0 && (transA ? M % 4 === 0 : true) && (transB ? true : N % 4 === 0),
    epilogue: epilogue !== undefined,
    uniforms: epilogue ? [...uniforms, f32(epilogue.alpha), f32(epilogue.beta)] : uniforms,
    buffers: epilogue ? [a.buffer, b.buffer, out.buffer, epilogue.d.buffer] : [a.buffer, b.buffer, out.buffer],
    sizes: epilogue ? [a.size, b.size, out.size, out.size] : [a.size, b.size, out.size],
  };
  pickMatmulKernel(op, problem).dispatch(problem);
  return out;
}

export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulOptions = {}): Tensor {
  const out = checkedProduct('matmul', a, b, transA, transB, undefined);
  return record('matmul', [a, b], { transA, transB }, out);
}

export interface MatmulAddOptions extends MatmulOptions {
  readonly alpha?: number;
  readonly beta?: number;
}

/**
 * α·op(a)·op(b) + β·d in one kernel (the product's epilogue reads d), d shaped like the product.
 * Not differentiable: for optimizers (Newton–Schulz), not for models.
 */
export function matmulAdd(a: Tensor, b: Tensor, d: Tensor, { transA = false, transB = false, alpha = 1, beta = 1 }: MatmulAddOptions = {}): Tensor {
  return checkedProduct('matmulAdd', a, b, transA, transB, { d, alpha, beta });
}
