/**
 * Dense symmetric eigendecomposition, the Q factor of QR, and eigenvalue order estimates for
 * stacks of small square matrices (..., n, n), on the GPU (see linalg.wgsl.ts). For optimizers'
 * preconditioners (SOAP): not differentiable, f32.
 */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, u32 } from '../common.js';
import { eighWgsl, householderQWgsl, rayleighOrderWgsl } from './linalg.wgsl.js';

/** Matrices in the stack and their size; throws unless (..., n, n). */
function squareStack(x: Tensor, op: string): [number, number] {
  assertF32(x, op);
  const n = x.shape[x.ndim - 1]!;
  if (x.ndim < 2 || x.shape[x.ndim - 2] !== n) throw new RangeError(`${op}: needs square matrices (..., n, n), got ${shapeStr(x.shape)}.`);
  const count = x.size / (n * n);
  if (count > 65535) throw new RangeError(`${op}: at most 65535 matrices per call, got ${count}.`);
  return [count, n];
}

export interface Eigh {
  /** Eigenvectors as columns (..., n, n), in the order of `values`. */
  readonly vectors: Tensor;
  /** Eigenvalues (..., n), descending. */
  readonly values: Tensor;
}

/** Jacobi sweeps: float32 Jacobi converges quadratically; 10 leave off-diagonals at rounding level for n ≤ 512. */
export const EIGH_SWEEPS = 10;

/** Eigendecomposition of each symmetric matrix (only symmetric input is meaningful): A = V·diag(λ)·Vᵀ. */
export function symmetricEigh(a: Tensor, { sweeps = EIGH_SWEEPS }: { sweeps?: number } = {}): Eigh {
  const [count, n] = squareStack(a, 'symmetricEigh');
  if (!Number.isInteger(sweeps) || sweeps < 1) throw new RangeError(`symmetricEigh: sweeps must be a positive integer, got ${sweeps}.`);
  const vectors = new Tensor(a.shape);
  const values = new Tensor(a.shape.slice(0, -1));
  if (count === 0 || n === 0) return { vectors, values };
  const work = new Tensor(a.shape);
  const v = new Tensor(a.shape);
  const rotations = new Tensor([count, Math.ceil(n / 2), 2]);
  dispatch(kernel('linalg-eigh', eighWgsl), [u32(n), u32(sweeps)], [a.buffer, work.buffer, v.buffer, vectors.buffer, values.buffer, rotations.buffer], [count]);
  for (const t of [work, v, rotations]) t.dispose();
  return { vectors, values };
}

/**
 * Q of A = QR for each matrix (Householder; orthogonal even where A is rank-deficient). Column signs
 * as LAPACK's geqrf: R's diagonal is −sign(a_kk)·‖a_k:‖, or a_kk itself where nothing is under it.
 */
export function householderQ(a: Tensor): Tensor {
  const [count, n] = squareStack(a, 'householderQ');
  const q = new Tensor(a.shape);
  if (count === 0 || n === 0) return q;
  const reflectors = new Tensor(a.shape);
  const betas = new Tensor([count, n]);
  dispatch(kernel('linalg-householder-q', householderQWgsl), [u32(n)], [a.buffer, reflectors.buffer, q.buffer, betas.buffer], [count]);
  reflectors.dispose();
  betas.dispose();
  return q;
}

/**
 * For each (L, Q): the columns of Q ordered by their Rayleigh quotient qᵢᵀLqᵢ, descending (ties by
 * index), as i32 (..., n): entry r is the column of rank r.
 */
export function rayleighOrder(l: Tensor, q: Tensor): Tensor {
  const [count, n] = squareStack(l, 'rayleighOrder');
  if (shapeStr(q.shape) !== shapeStr(l.shape)) throw new RangeError(`rayleighOrder: L ${shapeStr(l.shape)} and Q ${shapeStr(q.shape)} must have one shape.`);
  assertF32(q, 'rayleighOrder');
  const perm = new Tensor(l.shape.slice(0, -1), 'i32');
  if (count === 0 || n === 0) return perm;
  const estimates = new Tensor([count, n]);
  dispatch(kernel('linalg-rayleigh-order', rayleighOrderWgsl), [u32(n)], [l.buffer, q.buffer, estimates.buffer, perm.buffer], [count]);
  estimates.dispose();
  return perm;
}
