/**
 * The thesis MoE transformer (MoEMinimalLLM): token embedding × √d and dropout; L pre-norm blocks
 * (RMSNorm → causal multi-head attention with RoPE → residual; RMSNorm → MoE → residual); final
 * RMSNorm, dropout, LM head tied to the embedding. Loss = mean CE + Σ_layers aux (training).
 * The head and the CE are one fused op (linearCrossEntropy) that works through the rows in chunks,
 * so the (B·T, V) logits never exist; `forwardHidden` stops before the head (sampling needs the
 * logits of one position only).
 * Not reproduced: dropout on the attention probabilities (the fused attention has none).
 */
import {
  activationDropout, add, addRmsNorm, addScalar, causalAttention, dropout, embedding, linearCrossEntropyWithStats, matmul, mulScalar,
  qkvHeads, reshape, rmsNorm, slice, type DropoutOptions, type Tensor,
} from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';
import { moeForward, type Randomness } from './moe.js';

export interface ForwardOptions {
  /** Dropout and router noise (training) vs none (evaluation). */
  readonly training: boolean;
  /** Seed of this step's randomness (dropout masks, router noise). */
  readonly seed?: number;
  /** Add the load-balancing loss (training: yes; evaluation: no, as in the thesis). */
  readonly aux?: boolean;
  /**
   * Per layer, the expert shares f_e the load-balancing loss uses instead of this batch's own: a
   * batch split into sub-batches passes the whole batch's shares, so Σ_s (N_s/N)·aux_s = aux.
   */
  readonly balanceFractions?: readonly Tensor[];
}

export interface HiddenResult {
  /** The final RMSNorm's output (after dropout), (B·T, d): the head's input. */
  readonly hidden: Tensor;
  /** Per layer: the load-balancing loss, []. */
  readonly auxes: Tensor[];
  /** Per layer: share of routed slots per expert, (E). */
  readonly utilisation: Tensor[];
  /** Per layer: router probabilities (B·T, E). */
  readonly routerProbs: Tensor[];
}

export interface ForwardResult {
  /** CE (+ aux when asked), shape []: what backward() starts from. */
  readonly loss: Tensor;
  readonly ce: Tensor;
  /** (3): Σ CE, tokens whose argmax is the target, counted tokens (from the same fused pass). */
  readonly ceStats: Tensor;
  readonly aux: Tensor | undefined;
  /** Per layer: share of routed slots per expert, (E). */
  readonly utilisation: Tensor[];
  /** Per layer: router probabilities (B·T, E). */
  readonly routerProbs: Tensor[];
}

const RANDOM_DRAWS_PER_LAYER = 8;

function param(params: Readonly<Record<string, Tensor>>, name: string): Tensor {
  const t = params[name];
  if (!t) throw new Error(`forward: missing parameter "${name}".`);
  return t;
}

/** ids, targets: (B, T) i32; targets of −100 are ignored. */
export function forward(c: MoEConfig, params: Readonly<Record<string, Tensor>>, ids: Tensor, targets: Tensor, options: ForwardOptions): ForwardResult {
  const { training, aux: withAux = training } = options;
  const { hidden, auxes, utilisation, routerProbs } = forwardHidden(c, params, ids, options);
  const head = linearCrossEntropyWithStats(hidden, param(params, 'embed.weight'), reshape(targets, [hidden.shape[0]!])); // tied head
  const aux = withAux ? auxes.reduce((a, b) => add(a, b)) : undefined;
  const loss = aux ? add(head.loss, aux) : addScalar(head.loss, 0);
  return { loss, ce: head.loss, ceStats: head.stats, aux, utilisation, routerProbs };
}

/** The model up to the head's input: ids (B, T) i32 → final hidden states (B·T, d). */
export function forwardHidden(c: MoEConfig, params: Readonly<Record<string, Tensor>>, ids: Tensor, options: ForwardOptions): HiddenResult {
  const [B, T] = ids.shape as [number, number];
  if (ids.ndim !== 2 || T > c.seqLen) throw new RangeError(`forward: ids must be (batch, T ≤ ${c.seqLen}), got [${ids.shape.join(', ')}].`);
  const { training, seed = 0, balanceFractions } = options;
  const p = (name: string): Tensor => param(params, name);
  const d = c.dModel;
  const H = c.nHeads;
  const N = B * T;
  const dropOf = (stream: number): DropoutOptions | undefined => (training && c.dropout > 0 ? { p: c.dropout, seed, stream } : undefined);
  const drop = (x: Tensor, stream: number): Tensor => {
    const options = dropOf(stream);
    return options ? dropout(x, options) : x;
  };
  // x ← x + dropout(branch), and the next RMSNorm of x, in one kernel: [x, normed x].
  const residual = (x: Tensor, branch: Tensor, norm: string, stream: number): [Tensor, Tensor] =>
    addRmsNorm(x, reshape(branch, [B, T, d]), p(norm), { eps: c.normEps, dropout: dropOf(stream) });

  // Embedding × √d, then dropout (one kernel for both when training with dropout).
  const embedded = embedding(p('embed.weight'), ids); // (B, T, d)
  const embedDrop = dropOf(0);
  let x = embedDrop ? activationDropout('scale', embedded, embedDrop, Math.sqrt(d)) : mulScalar(embedded, Math.sqrt(d));
  // Later norms come with the residual sum before them.
  let normed = rmsNorm(x, p(c.nLayers > 0 ? 'blocks.0.norm1.weight' : 'norm.weight'), { eps: c.normEps });
  const auxes: Tensor[] = [];
  const utilisation: Tensor[] = [];
  const routerProbs: Tensor[] = [];
  for (let i = 0; i < c.nLayers; i++) {
    const pre = `blocks.${i}`;
    const stream = 1 + i * RANDOM_DRAWS_PER_LAYER;
    // Attention: qkv channels are (which, head, j) as the thesis's reshape [B, T, 3, H, dk].
    const h = reshape(normed, [N, d]);
    const qkv = reshape(matmul(h, p(`${pre}.attn.qkv.weight`), { transB: true }), [B, T, 3 * d]);
    const [q, k, v] = qkvHeads(qkv, { heads: H, rope: { base: c.ropeBase } }); // (B, H, T, dk) each, q and k rotated
    const attn = reshape(causalAttention(q, k, v, { mergeHeads: true }), [N, d]); // (B·T, d): the kernel writes (B, T, H, dk)
    const o = matmul(attn, p(`${pre}.attn.wo.weight`), { transB: true });
    const [afterAttention, normed2] = residual(x, o, `${pre}.norm2.weight`, stream);
    x = afterAttention;
    // Mixture of experts.
    const h2 = reshape(normed2, [N, d]);
    const rnd: Randomness = { training, seed, stream: stream + 1 };
    const weights = { router: p(`${pre}.moe.router.weight`), w1: p(`${pre}.moe.experts.w1`), w2: p(`${pre}.moe.experts.w2`) };
    const moe = moeForward(c, h2, weights, rnd, balanceFractions?.[i]);
    [x, normed] = residual(x, moe.out, i + 1 < c.nLayers ? `blocks.${i + 1}.norm1.weight` : 'norm.weight', stream + 3);
    auxes.push(moe.aux);
    utilisation.push(moe.fraction);
    routerProbs.push(moe.probs);
  }
  const final = drop(normed, 1 + c.nLayers * RANDOM_DRAWS_PER_LAYER);
  return { hidden: reshape(final, [N, d]), auxes, utilisation, routerProbs };
}

/** Logits of the last position of each row only, (B, V): what sampling needs. */
export function lastLogits(c: MoEConfig, params: Readonly<Record<string, Tensor>>, ids: Tensor): Tensor {
  const [B, T] = ids.shape as [number, number];
  const { hidden } = forwardHidden(c, params, ids, { training: false });
  const last = reshape(slice(reshape(hidden, [B, T, c.dModel]), 1, T - 1, T), [B, c.dModel]);
  return matmul(last, param(params, 'embed.weight'), { transB: true }); // tied head
}
