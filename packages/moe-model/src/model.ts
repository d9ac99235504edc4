/**
 * The thesis MoE transformer (MoEMinimalLLM): token embedding × √d and dropout; L pre-norm blocks
 * (RMSNorm → causal multi-head attention with RoPE → residual; RMSNorm → MoE → residual); final
 * RMSNorm, dropout, LM head tied to the embedding. Loss = mean CE + Σ_layers aux (training).
 * Not reproduced: dropout on the attention probabilities (the fused attention has none).
 */
import {
  add, addScalar, causalAttention, crossEntropy, dropout, embedding, matmul, mulScalar, reshape, rmsNorm, rope, slice,
  transpose, type Tensor,
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
}

export interface ForwardResult {
  /** CE (+ aux when asked), shape []: what backward() starts from. */
  readonly loss: Tensor;
  readonly ce: Tensor;
  readonly aux: Tensor | undefined;
  readonly logits: Tensor; // (B·T, V)
  /** Per layer: share of routed slots per expert, (E). */
  readonly utilisation: Tensor[];
  /** Per layer: router probabilities (B·T, E). */
  readonly routerProbs: Tensor[];
}

const RANDOM_DRAWS_PER_LAYER = 8;

/** ids, targets: (B, T) i32; targets of −100 are ignored. */
export function forward(c: MoEConfig, params: Readonly<Record<string, Tensor>>, ids: Tensor, targets: Tensor, options: ForwardOptions): ForwardResult {
  const [B, T] = ids.shape as [number, number];
  if (ids.ndim !== 2 || T > c.seqLen) throw new RangeError(`forward: ids must be (batch, T ≤ ${c.seqLen}), got [${ids.shape.join(', ')}].`);
  const { training, seed = 0, aux: withAux = training } = options;
  const p = (name: string): Tensor => {
    const t = params[name];
    if (!t) throw new Error(`forward: missing parameter "${name}".`);
    return t;
  };
  const d = c.dModel;
  const H = c.nHeads;
  const dk = d / H;
  const N = B * T;
  const drop = (x: Tensor, stream: number): Tensor => (training && c.dropout > 0 ? dropout(x, { p: c.dropout, seed, stream }) : x);

  let x = drop(mulScalar(embedding(p('embed.weight'), ids), Math.sqrt(d)), 0); // (B, T, d)
  const auxes: Tensor[] = [];
  const utilisation: Tensor[] = [];
  const routerProbs: Tensor[] = [];
  for (let i = 0; i < c.nLayers; i++) {
    const pre = `blocks.${i}`;
    const stream = 1 + i * RANDOM_DRAWS_PER_LAYER;
    // Attention: qkv channels are (which, head, j) as the thesis's reshape [B, T, 3, H, dk].
    const h = reshape(rmsNorm(x, p(`${pre}.norm1.weight`), { eps: c.normEps }), [N, d]);
    const qkv = transpose(reshape(matmul(h, p(`${pre}.attn.qkv.weight`), { transB: true }), [B, T, 3, H, dk]), [2, 0, 3, 1, 4]); // (3, B, H, T, dk)
    const part = (j: number): Tensor => reshape(slice(qkv, 0, j, j + 1), [B, H, T, dk]);
    const q = rope(part(0), { base: c.ropeBase });
    const k = rope(part(1), { base: c.ropeBase });
    const attn = reshape(transpose(causalAttention(q, k, part(2)), [0, 2, 1, 3]), [N, d]); // (B·T, d)
    const o = matmul(attn, p(`${pre}.attn.wo.weight`), { transB: true });
    x = add(x, drop(reshape(o, [B, T, d]), stream));
    // Mixture of experts.
    const h2 = reshape(rmsNorm(x, p(`${pre}.norm2.weight`), { eps: c.normEps }), [N, d]);
    const rnd: Randomness = { training, seed, stream: stream + 1 };
    const moe = moeForward(c, h2, { router: p(`${pre}.moe.router.weight`), w1: p(`${pre}.moe.experts.w1`), w2: p(`${pre}.moe.experts.w2`) }, rnd);
    x = add(x, drop(reshape(moe.out, [B, T, d]), stream + 3));
    auxes.push(moe.aux);
    utilisation.push(moe.fraction);
    routerProbs.push(moe.probs);
  }
  const final = drop(rmsNorm(x, p('norm.weight'), { eps: c.normEps }), 1 + c.nLayers * RANDOM_DRAWS_PER_LAYER);
  const logits = matmul(reshape(final, [N, d]), p('embed.weight'), { transB: true }); // tied head, (B·T, V)
  const ce = crossEntropy(logits, reshape(targets, [N]));
  const aux = withAux ? auxes.reduce((a, b) => add(a, b)) : undefined;
  const loss = aux ? add(ce, aux) : addScalar(ce, 0);
  return { loss, ce, aux, logits, utilisation, routerProbs };
}
