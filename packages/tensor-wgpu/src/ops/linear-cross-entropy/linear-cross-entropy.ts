/**
 * linearCrossEntropy(h (..., d), weight (V, d), targets i32 (...)): the tied LM head and the mean
 * cross-entropy in one op, mean(CE(h · weightᵀ, targets)) over targets that are not `ignoreIndex`
 * (targets outside [0, V) are ignored too), computed in chunks of rows so that the (N, V) logits
 * never exist: per chunk, logits = h_c · Wᵀ (rows, V) → per-row lse, loss and argmax → and, when a
 * gradient is wanted, dlogits = softmax − onehot in place, dh_c = dlogits · W, dW += dlogitsᵀ · h_c.
 * The gradients are computed in the forward (as Liger's fused linear cross-entropy does: the loss is
 * a terminal node, so nothing upstream changes them) and the VJP only scales them by g / count —
 * three matmuls per chunk instead of four with a recomputing backward.
 * The chunk is the largest number of rows whose logits fit one storage binding (and maxBufferSize),
 * capped at 256 MiB; `chunkRows` or `setLinearCrossEntropyChunkRows` force a size.
 */
import { isGradEnabled, noGrad, record } from '../../autodiff/record.js';
import { sizeClass } from '../../buffer.js';
import { gpuSync } from '../../device.js';
import { copyBuffer, dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, i32, u32 } from '../common.js';
import { addInPlace, fill } from '../elementwise/elementwise.js';
import { matmul } from '../matmul/matmul.js';
import { lceGradWgsl, lceReduceWgsl, lceRowsWgsl } from './linear-cross-entropy.wgsl.js';

export interface LinearCrossEntropyOptions {
  /** Targets equal to this contribute nothing (PyTorch's default −100). */
  readonly ignoreIndex?: number;
  /** Rows of logits per chunk; default: the most that fit the device (see linearCrossEntropyChunkRows). */
  readonly chunkRows?: number;
}

export interface LinearCrossEntropyResult {
  /** Mean CE over the counted rows, shape [] (differentiable in h and weight). */
  readonly loss: Tensor;
  /** (3): [Σ loss, Σ (argmax = target), count of counted rows] — for evaluation; no gradient. */
  readonly stats: Tensor;
}

/** Largest logits chunk on adapters with huge bindings: bigger chunks buy nothing but memory. */
const MAX_CHUNK_BYTES = 256 * 2 ** 20;
/** Dispatches of the rows kernel are one workgroup per row along x. */
const MAX_CHUNK_ROWS = 65535;

let forcedChunkRows: number | undefined;
/** Forces the chunk size of every linearCrossEntropy (tests, comparisons); undefined: the device's. */
export function setLinearCrossEntropyChunkRows(rows: number | undefined): void {
  if (rows !== undefined && !(Number.isInteger(rows) && rows >= 1)) throw new RangeError(`linearCrossEntropy: chunk rows must be a positive integer, got ${rows}.`);
  forcedChunkRows = rows;
}

type Limits = { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number }; // the adapter limits it reads, structurally: no WebGPU globals in the published types

/**
 * Rows per chunk for N rows over a vocabulary of V on a device with `limits`: the most whose
 * (rows, V) f32 logits, in their pool size class, fit one binding; a multiple of 8 (vec4 matmul
 * paths) when that many fit; chunks balanced so the last is not a sliver.
 */
export function linearCrossEntropyChunkRows(N: number, V: number, limits: Limits): number {
  if (forcedChunkRows !== undefined) return Math.min(forcedChunkRows, Math.max(N, 1));
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, MAX_CHUNK_BYTES);
  let rows = Math.min(Math.floor(bytes / (V * 4)), MAX_CHUNK_ROWS);
  while (rows > 0 && sizeClass(rows * V * 4) > bytes) rows--;
  if (rows < 1) throw new RangeError(`linearCrossEntropy: one row of ${V} logits (${V * 4} bytes) exceeds this adapter's storage binding limit (${bytes} bytes).`);
  if (rows >= 8) rows -= rows % 8;
  const chunks = Math.ceil(N / rows);
  const balanced = Math.ceil(N / Math.max(chunks, 1));
  return Math.max(1, Math.min(rows, rows >= 8 ? Math.ceil(balanced / 8) * 8 : balanced));
}

function shapes(h: Tensor, weight: Tensor, targets: Tensor): { N: number; d: number; V: number } {
  assertF32(h, 'linearCrossEntropy');
  assertF32(weight, 'linearCrossEntropy');
  assertI32(targets, 'linearCrossEntropy');
  const d = h.shape[h.ndim - 1] ?? 0;
  if (weight.ndim !== 2 || weight.shape[1] !== d || h.ndim < 1) {
    throw new RangeError(`linearCrossEntropy: h ${shapeStr(h.shape)} and weight ${shapeStr(weight.shape)} must be (..., d) and (V, d).`);
  }
  const N = d === 0 ? 0 : h.size / d;
  if (targets.size !== N) throw new RangeError(`linearCrossEntropy: h ${shapeStr(h.shape)} needs ${N} targets, got ${shapeStr(targets.shape)}.`);
  return { N, d, V: weight.shape[0]! };
}

/** Mean cross-entropy of the tied head (see the file comment). */
export function linearCrossEntropy(h: Tensor, weight: Tensor, targets: Tensor, options: LinearCrossEntropyOptions = {}): Tensor {
  const { loss, stats } = linearCrossEntropyWithStats(h, weight, targets, options);
  stats.dispose();
  return loss;
}

/** The loss and, from the same pass, the evaluation counts (loss sum, argmax-correct rows, rows). */
export function linearCrossEntropyWithStats(h: Tensor, weight: Tensor, targets: Tensor, { ignoreIndex = -100, chunkRows }: LinearCrossEntropyOptions = {}): LinearCrossEntropyResult {
  const { N, d, V } = shapes(h, weight, targets);
  const withH = isGradEnabled() && h.requiresGrad;
  const withW = isGradEnabled() && weight.requiresGrad;
  if (chunkRows !== undefined && !(Number.isInteger(chunkRows) && chunkRows >= 1)) throw new RangeError(`linearCrossEntropy: chunkRows must be a positive integer, got ${chunkRows}.`);
  const rows = Math.min(chunkRows ?? linearCrossEntropyChunkRows(N, V, gpuSync().limits), MAX_CHUNK_ROWS);
  const lse = new Tensor([N]);
  const losses = new Tensor([N]);
  const correct = new Tensor([N]);
  const dh = withH ? new Tensor(h.shape) : undefined;
  const dw = withW ? fill([V, d], 0) : undefined;
  noGrad(() => {
    for (let r0 = 0; r0 < N; r0 += rows) {
      const n = Math.min(rows, N - r0);
      const hc = new Tensor([n, d]); // (rows, d)
      copyBuffer(h.buffer, r0 * d * 4, hc.buffer, 0, n * d * 4);
      const logits = matmul(hc, weight, { transB: true }); // (rows, V)
      const uniforms = [u32(n), u32(V), i32(ignoreIndex), u32(r0)];
      dispatch(kernel('lce-rows', lceRowsWgsl), uniforms, [logits.buffer, targets.buffer, lse.buffer, losses.buffer, correct.buffer], [n]);
      if (dh || dw) {
        dispatch(kernel('lce-grad', lceGradWgsl), uniforms, [targets.buffer, lse.buffer, logits.buffer], grid1d(n * V));
        if (dh) {
          const part = matmul(logits, weight); // (rows, d)
          copyBuffer(part.buffer, 0, dh.buffer, r0 * d * 4, n * d * 4);
          part.dispose();
        }
        if (dw) {
          const part = matmul(logits, hc, { transA: true }); // (V, d)
          addInPlace(dw, part);
          part.dispose();
        }
      }
      hc.dispose();
      logits.dispose();
    }
  });
  const loss = new Tensor([]);
  const stats = new Tensor([3]);
  dispatch(kernel('lce-reduce', lceReduceWgsl), [u32(N), u32(V), i32(ignoreIndex), u32(0)], [losses.buffer, correct.buffer, targets.buffer, loss.buffer, stats.buffer], [1]);
  for (const t of [lse, losses, correct]) t.dispose();
  const saved = [stats.view([3]), ...(dh ? [dh] : []), ...(dw ? [dw] : [])];
  return { loss: record('linearCrossEntropy', [h, weight, targets], { ignoreIndex, withH, withW }, loss, saved), stats };
}
