/**
 * The differentiable ops and the attributes each records on the tape. `vjpRules` is typed as a
 * mapped type over this interface, so adding an op here without a VJP rule fails to compile.
 */
import type { Shape, Tensor } from '../tensor.js';
import type { BinaryFn, UnaryFn } from '../ops/elementwise/functions.js';

/** How `reduce` combines along its axis. */
export type ReduceOp = 'sum' | 'mean' | 'max';

export interface DropoutOptions {
  /** Probability of zeroing an element, in [0, 1). */
  readonly p: number;
  readonly seed: number;
  /** Distinguishes dropout sites under one seed (e.g. layer·steps + step). */
  readonly stream?: number;
}

export interface OpAttrs {
  unary: { readonly fn: UnaryFn; readonly p: number };
  binary: { readonly fn: BinaryFn };
  where: Record<string, never>;
  broadcastTo: { readonly shape: Shape };
  reduce: { readonly op: ReduceOp; readonly axis: number; readonly keepDims: boolean };
  reshape: { readonly shape: Shape };
  transpose: { readonly perm: readonly number[] };
  slice: { readonly axis: number; readonly start: number; readonly inputShape: Shape };
  concat: { readonly axis: number; readonly sizes: readonly number[] };
  matmul: { readonly transA: boolean; readonly transB: boolean };
  softmax: Record<string, never>;
  logSoftmax: Record<string, never>;
  crossEntropy: { readonly ignoreIndex: number };
  linearCrossEntropy: { readonly ignoreIndex: number; readonly withH: boolean; readonly withW: boolean };
  norm: { readonly eps: number };
  gatherRows: { readonly rows: number; readonly divisor: number };
  scatterAddRows: { readonly rows: number; readonly divisor: number };
  topk: { readonly k: number };
  dropout: { readonly p: number; readonly seed: number; readonly stream?: number };
  activationDropout: { readonly fn: UnaryFn; readonly param: number; readonly dropout: DropoutOptions };
  rope: { readonly base: number; readonly offset: number };
  causalAttention: { readonly mergeHeads: boolean };
  groupedMatmul: { readonly rowExpert: Tensor; readonly offsets: Tensor };
  combineExperts: { readonly order: Tensor; readonly position: Tensor };
  balanceLoss: { readonly scale: number };
}

export type OpName = keyof OpAttrs;

/** Ops with several outputs (recordMulti): one node, one rule over all the outputs' gradients. */
export interface MultiOpAttrs {
  qkvHeads: { readonly heads: number; readonly rotate: boolean; readonly base: number; readonly offset: number };
  addRmsNorm: { readonly eps: number; readonly dropout: DropoutOptions | null };
  routerGates: { readonly k: number };
}

export type MultiOpName = keyof MultiOpAttrs;
