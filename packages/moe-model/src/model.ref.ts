/**
 * A float64 CPU reference of the whole model in evaluation mode (no dropout, no router noise),
 * with the load-balancing loss included: built from tensor-wgpu's kernel references, plain loops
 * elsewhere. Used for the full-model finite-difference gradient check.
 */
import { causalAttentionRef, crossEntropyRef, matmulRef, normRef, ropeRef, softmaxRef, topkRef, transposeRef } from '@optimlab/tensor-wgpu/testing';
import type { MoEConfig } from './config.js';

type P = Record<string, Float64Array>;

function moeRef(c: MoEConfig, h: Float64Array, N: number, p: P, pre: string): { out: Float64Array; aux: number } {
  const { dModel: d, dFF: f, numExperts: E, topK: k } = c;
  const logits = matmulRef(h, [N, d], p[`${pre}.moe.router.weight`]!, [E, d], { transB: true });
  const probs = softmaxRef(logits, E);
  const { values, indices } = topkRef(logits, E, k);
  const gates = softmaxRef(values, k);
  const out = new Float64Array(N * d);
  const counts = new Float64Array(E);
  const w1 = p[`${pre}.moe.experts.w1`]!;
  const w2 = p[`${pre}.moe.experts.w2`]!;
  for (let n = 0; n < N; n++) {
    for (let s = 0; s < k; s++) {
      const e = indices[n * k + s]!;
      counts[e]!++;
      const hidden = new Float64Array(f);
      for (let o = 0; o < f; o++) {
        let acc = 0;
        for (let i = 0; i < d; i++) acc += h[n * d + i]! * w1[(e * f + o) * d + i]!;
        hidden[o] = acc / (1 + Math.exp(-acc)); // SiLU
      }
      for (let o = 0; o < d; o++) {
        let acc = 0;
        for (let i = 0; i < f; i++) acc += hidden[i]! * w2[(e * d + o) * f + i]!;
        out[n * d + o]! += gates[n * k + s]! * acc;
      }
    }
  }
  let aux = 0;
  for (let e = 0; e < E; e++) {
    let pMean = 0;
    for (let n = 0; n < N; n++) pMean += probs[n * E + e]! / N;
    aux += (counts[e]! / (N * k)) * pMean;
  }
  return { out, aux: aux * c.loadBalancingWeight * E };
}

/** CE + Σ aux for ids/targets (B, T), params as float64 arrays by name. */
export function modelLossRef(c: MoEConfig, p: P, ids: ArrayLike<number>, targets: ArrayLike<number>, B: number, T: number): number {
  const { dModel: d, nHeads: H } = c;
  const dk = d / H;
  const N = B * T;
  const emb = p['embed.weight']!;
  let x = new Float64Array(N * d);
  for (let n = 0; n < N; n++) for (let i = 0; i < d; i++) x[n * d + i] = emb[ids[n]! * d + i]! * Math.sqrt(d);
  let aux = 0;
  for (let l = 0; l < c.nLayers; l++) {
    const pre = `blocks.${l}`;
    const h = normRef(x, p[`${pre}.norm1.weight`]!, undefined, d, c.normEps);
    const qkv = matmulRef(h, [N, d], p[`${pre}.attn.qkv.weight`]!, [3 * d, d], { transB: true });
    const split = transposeRef(qkv, [B, T, 3, H, dk], [2, 0, 3, 1, 4]); // (3, B, H, T, dk)
    const part = (j: number): Float64Array => split.subarray(j * N * d, (j + 1) * N * d);
    const q = ropeRef(part(0), T, dk, c.ropeBase);
    const k = ropeRef(part(1), T, dk, c.ropeBase);
    const a = causalAttentionRef(q, k, part(2), T, dk); // (B, H, T, dk)
    const merged = transposeRef(a, [B, H, T, dk], [0, 2, 1, 3]); // (B, T, H, dk)
    const o = matmulRef(merged, [N, d], p[`${pre}.attn.wo.weight`]!, [d, d], { transB: true });
    x = x.map((v, i) => v + o[i]!);
    const h2 = normRef(x, p[`${pre}.norm2.weight`]!, undefined, d, c.normEps);
    const moe = moeRef(c, h2, N, p, pre);
    x = x.map((v, i) => v + moe.out[i]!);
    aux += moe.aux;
  }
  const final = normRef(x, p['norm.weight']!, undefined, d, c.normEps);
  const logits = matmulRef(final, [N, d], emb, [c.vocabSize, d], { transB: true });
  return crossEntropyRef(logits, targets, c.vocabSize) + aux;
}
