/**
 * One VJP rule per differentiable op: given the upstream gradient g (shaped like the output), the
 * tape node (inputs, attrs, saved) and the output, return one gradient per input (null: none).
 * Rules run with recording off. The table's type makes a missing rule a compile error.
 */
import type { Tensor, TapeNode } from '../tensor.js';
import type { MultiOpAttrs, MultiOpName, OpAttrs, OpName } from './op-attrs.js';
import { BINARY, fill, nary, unaryGrad } from '../ops/elementwise/elementwise.js';
import { reduce, sumToShape } from '../ops/reduce/reduce.js';
import { concat, padAlong, reshape, slice, transpose } from '../ops/layout/layout.js';
import { matmul } from '../ops/matmul/matmul.js';
import { softmaxBackward } from '../ops/softmax/softmax.js';
import { crossEntropyBackward } from '../ops/cross-entropy/cross-entropy.js';
import { normBackward } from '../ops/norm/norm.js';
import { gatherRows, scatterAddRows } from '../ops/rows/rows.js';
import { topkBackward } from '../ops/topk/topk.js';
import { dropoutMask } from '../ops/dropout/dropout.js';
import { rotate } from '../ops/rope/rope.js';
import { causalAttentionBackward } from '../ops/attention/attention.js';
import { groupedMatmulBackward } from '../ops/moe/moe.js';
import { combineExpertsBackward } from '../ops/moe/combine.js';
import { balanceLossBackward } from '../ops/moe/balance.js';
import { qkvHeadsBackward } from '../ops/heads/heads.js';
import { addRmsNormBackward } from '../ops/norm/add-norm.js';
import { activationDropoutBackward } from '../ops/dropout/activation-dropout.js';
import { routerGatesBackward } from '../ops/moe/router.js';

export interface Node<K extends OpName> extends TapeNode {
  readonly attrs: OpAttrs[K];
}
export type VjpRule<K extends OpName> = (g: Tensor, node: Node<K>, out: Tensor) => Array<Tensor | null>;

export interface MultiNode<K extends MultiOpName> extends TapeNode {
  readonly attrs: MultiOpAttrs[K];
  readonly outputs: readonly Tensor[];
}
/** gs: one gradient per output, null for an output the loss does not depend on (never all null). */
export type MultiVjpRule<K extends MultiOpName> = (gs: ReadonlyArray<Tensor | null>, node: MultiNode<K>) => Array<Tensor | null>;

const inputs = (node: TapeNode): Tensor[] => node.inputs as Tensor[];
/** Binary-derivative expressions name g; the nary kernels call their third operand c. */
const withG = (expr: string): string => expr.replace(/\bg\b/g, 'c');

export const vjpRules: { [K in OpName]: VjpRule<K> } = {
  // dx = g · f'(x), fused in one kernel per function.
  unary: (g, node, out) => [unaryGrad(node.attrs.fn, g, inputs(node)[0]!, out, node.attrs.p)],
  // da = Σ_broadcast ∂f/∂a · g (likewise b).
  binary: (g, node) => {
    const [a, b] = inputs(node) as [Tensor, Tensor];
    const rule = BINARY[node.attrs.fn];
    // A derivative that is g itself (add, sub's a) passes g on: no kernel.
    const side = (expr: string, x: Tensor, name: string): Tensor =>
      expr === 'g' ? sumToShape(g, x.shape) : sumToShape(nary(`d${node.attrs.fn}/${name}`, withG(expr), [a, b, g], g.shape), x.shape);
    return [side(rule.da, a, 'da'), side(rule.db, b, 'db')];
  },
  // d(cond ? a : b): g routed to the chosen side; cond gets none.
  where: (g, node) => {
    const [cond, a, b] = inputs(node) as [Tensor, Tensor, Tensor];
    const zero = fill([], 0);
    const da = nary('where', 'select(c, b, a != T(0.0))', [cond, g, zero], g.shape);
    const db = nary('where', 'select(c, b, a != T(0.0))', [cond, zero, g], g.shape);
    return [null, sumToShape(da, a.shape), sumToShape(db, b.shape)];
  },
  // Broadcasting's adjoint sums over the broadcast axes.
  broadcastTo: (g, node) => [sumToShape(g, node.attrs.shape)],
  // sum: g broadcast back; mean: g/n broadcast back; max: g where x equals the max.
  reduce: (g, node, out) => {
    const x = inputs(node)[0]!;
    const kept = x.shape.map((d, i) => (i === node.attrs.axis ? 1 : d));
    const gk = g.view(kept);
    if (node.attrs.op === 'max') {
      const yk = out.view(kept);
      return [nary('dmax', 'select(T(0.0), c, a == b)', [x, yk, gk], x.shape)];
    }
    const n = node.attrs.op === 'mean' ? x.shape[node.attrs.axis]! : 1;
    return [nary('dsum', `a * T(${(1 / n).toExponential(9)})`, [gk], x.shape)];
  },
  reshape: (g, node) => [reshape(g, node.attrs.shape)],
  // The inverse permutation.
  transpose: (g, node) => {
    const inverse = new Array<number>(node.attrs.perm.length);
    node.attrs.perm.forEach((d, i) => (inverse[d] = i));
    return [transpose(g, inverse)];
  },
  // Slice's adjoint pads with zeros.
  slice: (g, node) => [padAlong(g, node.attrs.inputShape, node.attrs.axis, node.attrs.start)],
  // Concat's adjoint splits.
  concat: (g, node) => {
    let at = 0;
    return node.attrs.sizes.map((size) => slice(g, node.attrs.axis, at, (at += size)));
  },
  // C = op(A)·op(B): see the four cases; broadcast batches are summed back.
  matmul: (g, node) => {
    const [a, b] = inputs(node) as [Tensor, Tensor];
    const { transA, transB } = node.attrs;
    let da: Tensor;
    let db: Tensor;
    if (!transA && !transB) {
      da = matmul(g, b, { transB: true }); // g·Bᵀ
      db = matmul(a, g, { transA: true }); // Aᵀ·g
    } else if (transA && !transB) {
      da = matmul(b, g, { transB: true }); // B·gᵀ
      db = matmul(a, g); // A·g
    } else if (!transA && transB) {
      da = matmul(g, b); // g·B
      db = matmul(g, a, { transA: true }); // gᵀ·A
    } else {
      da = matmul(b, g, { transA: true, transB: true }); // Bᵀ·gᵀ
      db = matmul(g, a, { transA: true, transB: true }); // gᵀ·Aᵀ
    }
    return [sumToShape(da, a.shape), sumToShape(db, b.shape)];
  },
  // dx = y ⊙ (g − Σ g⊙y)
  softmax: (g, _node, out) => [softmaxBackward(g, out, false)],
  // dx = g − softmax(x)·Σ g
  logSoftmax: (g, _node, out) => [softmaxBackward(g, out, true)],
  // dlogits = g/count · (softmax − onehot); targets are integers: no gradient.
  crossEntropy: (g, node) => {
    const [logits, targets] = inputs(node) as [Tensor, Tensor];
    const [lse, count] = node.saved as [Tensor, Tensor];
    return [crossEntropyBackward(g, logits, targets, lse, count, node.attrs.ignoreIndex), null];
  },
  // The forward saved Σ_rows (softmax − onehot)·W and its transpose product: both scale by g/count.
  linearCrossEntropy: (g, node) => {
    const [stats, ...grads] = node.saved as Tensor[];
    const scale = nary('lce-scale', 'a / max(b, T(1.0))', [g.view([1]), slice(stats!, 0, 2, 3)]); // (1)
    const dh = node.attrs.withH ? nary('mul', 'a * b', [grads.shift()!, scale]) : null;
    const dw = node.attrs.withW ? nary('mul', 'a * b', [grads.shift()!, scale]) : null;
    return [dh, dw, null];
  },
  // See norm.wgsl.ts: dx per row, dw (and db) per column.
  norm: (g, node) => {
    const [x, w, b] = inputs(node);
    return normBackward(g, x!, w!, b !== undefined, node.saved[0]!);
  },
  // Gather's adjoint scatters (adds) back; indices get no gradient.
  gatherRows: (g, node) => [scatterAddRows(g, inputs(node)[1]!, node.attrs.rows, { divisor: node.attrs.divisor }), null],
  scatterAddRows: (g, node) => [gatherRows(g, inputs(node)[1]!, { divisor: node.attrs.divisor }), null],
  // g goes back to the positions the values came from.
  topk: (g, node) => [topkBackward(g, node.saved[0]!, inputs(node)[0]!.shape)],
  // The same mask (recomputed from the seed) scales g.
  dropout: (g, node) => [dropoutMask(g, node.attrs)],
  // g · mask · f'(x), one kernel.
  activationDropout: (g, node) => [activationDropoutBackward(g, inputs(node)[0]!, node.attrs)],
  // The inverse rotation.
  rope: (g, node) => [rotate(g, node.attrs.base, node.attrs.offset, -1)],
  // Flash-attention backward from the saved lse.
  causalAttention: (g, node, out) => {
    const [q, k, v] = inputs(node) as [Tensor, Tensor, Tensor];
    return causalAttentionBackward(g, q, k, v, out, node.saved[0]!, node.attrs.mergeHeads);
  },
  // dX[r] = dY[r]·W[e(r)]; dW[e] = Σ_{r ∈ e} dY[r]ᵀ X[r].
  groupedMatmul: (g, node) => {
    const [x, w] = inputs(node) as [Tensor, Tensor];
    return groupedMatmulBackward(g, x, w, node.attrs.rowExpert, node.attrs.offsets);
  },
  // dys[r] = gates[order[r]]·g[token of r]; dgates[s] = ys[position[s]]·g[token of s].
  combineExperts: (g, node) => {
    const [ys, gates] = inputs(node) as [Tensor, Tensor];
    return combineExpertsBackward(g, ys, gates, node.attrs.order, node.attrs.position);
  },
  // dprobs = g · scale · f_e / N (the shares were saved).
  balanceLoss: (g, node) => [balanceLossBackward(g, inputs(node)[0]!, node.saved[0]!, node.attrs.scale)],
};

export const multiVjpRules: { [K in MultiOpName]: MultiVjpRule<K> } = {
  // Each input pair reads its part's gradient and rotates it back.
  qkvHeads: (gs, node) => [qkvHeadsBackward(gs, inputs(node)[0]!, node.attrs)],
  // One row kernel for dx (= d sum + the norm's dx) and dbranch (dropout's mask on it), then dw.
  addRmsNorm: (gs, node) => addRmsNormBackward(gs, node.saved[1]!, inputs(node)[2]!, node.saved[0]!, node.attrs),
  // Both softmax backwards, the gates' scattered to their experts' logits, in one row kernel.
  routerGates: (gs, node) => [routerGatesBackward(gs, node.saved[0]!, node.saved[1]!, node.saved[2]!)],
};
