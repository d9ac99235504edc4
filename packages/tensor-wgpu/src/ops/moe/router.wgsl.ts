/**
 * routerGates: a top-k router's three steps on its logits (N, E) in one pass per row (they were
 * softmax, top-k and a softmax over the chosen logits; backward two softmax backwards, the top-k
 * scatter into a zero fill and a sum):
 *   probs = softmax(logits)                       (N, E)  for the load-balancing loss
 *   indices, values = top-k of the logits          (N, k)  descending, ties to the lower index
 *   gates = softmax(values)                        (N, k)  renormalised over the chosen experts
 * The same arithmetic as softmax and topk: their WGSL definitions (softmaxStatsWgsl,
 * softmaxDotWgsl, topkInsertionWgsl) are used here.
 * Backward, per row (probs, gates and indices saved):
 *   dlogits = probs ⊙ (gp − Σ gp⊙probs),  then  dlogits[indices[s]] += gates_s·(gg_s − Σ gg⊙gates).
 * A missing gradient (bit 0: probs, bit 1: gates, uniform [3]) counts as zero.
 * Uniforms: [0] rows, [1] E, [2] k, [3] gradients present (backward).
 */
import { bindings, perIndex } from '../wgsl.js';
import { topkInsertionWgsl } from '../topk/topk.wgsl.js';
import { softmaxDotWgsl, softmaxStatsWgsl } from '../softmax/softmax.wgsl.js';

export const routerGatesWgsl = /* wgsl */ `
${bindings({ logits: 'read', probs: 'rw', gates: 'rw', indices: 'rw i32' })}
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u); let k = pu(2u);')}
  let base = r * n;
  ${softmaxStatsWgsl('n', (j) => `logits[base + ${j}]`)}
  let inv = 1.0 / s;
  for (var j = 0u; j < n; j++) { probs[base + j] = exp(logits[base + j] - m) * inv; }
  ${topkInsertionWgsl((j) => `logits[base + ${j}]`)}
  ${softmaxStatsWgsl('k', (t) => `bestV[${t}]`, '2')}
  let inv2 = 1.0 / s2;
  for (var t = 0u; t < k; t++) {
    gates[r * k + t] = exp(bestV[t] - m2) * inv2;
    indices[r * k + t] = bestI[t];
  }
}`;

export const routerGatesBackwardWgsl = /* wgsl */ `
${bindings({ gp: 'read', gg: 'read', probs: 'read', gates: 'read', indices: 'read i32', dlogits: 'rw' })}
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u); let k = pu(2u);')}
  let base = r * n;
  let withP = (pu(3u) & 1u) != 0u;
  let withG = (pu(3u) & 2u) != 0u;
  ${softmaxDotWgsl('n', (j) => `gp[base + ${j}]`, (j) => `probs[base + ${j}]`)}
  for (var j = 0u; j < n; j++) { dlogits[base + j] = select(0.0, probs[base + j] * (gp[base + j] - dot), withP); }
  if (withG) {
    ${softmaxDotWgsl('k', (t) => `gg[r * k + ${t}]`, (t) => `gates[r * k + ${t}]`, '2')}
    for (var t = 0u; t < k; t++) {
      let at = base + u32(indices[r * k + t]);
      dlogits[at] = dlogits[at] + gates[r * k + t] * (gg[r * k + t] - dot2);
    }
  }
}`;
