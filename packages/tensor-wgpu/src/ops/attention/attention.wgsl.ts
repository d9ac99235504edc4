/**
 * Fused causal attention, one invocation per query row (forward, dq) or key row (dk, dv), with the
 * head dim held in registers (D ≤ MAX_HEAD_DIM). Flash-attention style: the forward keeps only the
 * row log-sum-exp; the backward recomputes probabilities from it.
 *   forward: s_ij = scale·q_i·k_j (j ≤ i), online softmax, o_i = Σ_j p_ij v_j, lse_i
 *   dq:      δ_i = dO_i·o_i; ds_ij = p_ij (dO_i·v_j − δ_i); dq_i = scale Σ_j ds_ij k_j
 *   dk, dv:  dv_j = Σ_{i≥j} p_ij dO_i; dk_j = scale Σ_{i≥j} ds_ij q_i
 * Shapes: q, k, v (BH, T, D); lse, δ (BH, T); o and dO (BH, T, D), or with H > 1 heads merged,
 * (B, T, H, D): row (b·H + h, t) of a head is row (b·T + t)·H + h there (`outRow`), so the model's
 * projection reads o without a transpose. Uniforms: [0] BH, [1] T, [2] D, [3] scale, [4] H (1:
 * o in the heads' layout).
 */
import { bindings, perIndex } from '../wgsl.js';

export const MAX_HEAD_DIM = 128;

const load = (into: string, from: string, base: string, factor = ''): string =>
  `for (var d = 0u; d < D; d++) { ${into}[d] = ${from}[${base} + d]${factor}; }`;

/** The row of o and dO that holds position t of head bh (see above). */
export const OUT_ROW_WGSL = /* wgsl */ `
fn outRow(bh: u32, t: u32, T: u32) -> u32 { let H = pu(4u); return ((bh / H) * T + t) * H + bh % H; }`;

/** Opens main, one invocation per row of every head; `pos` is its index in the head's block. */
const HEAD = /* wgsl */ `${OUT_ROW_WGSL}
${perIndex(64, 'row', 'pu(0u) * T', 'let T = pu(1u); let D = pu(2u); let scale = pf(3u);')}
  let pos = row % T;          // query index i (or key index j)
  let kv0 = (row - pos) * D;  // start of this head's (T, D) block
  let bh = row / T;
`;

export const attentionForwardWgsl = /* wgsl */ `
${bindings({ Q: 'read', K: 'read', V: 'read', O: 'rw', lse: 'rw' })}
fn score(q: ptr<function, array<f32, ${MAX_HEAD_DIM}>>, base: u32, D: u32) -> f32 {
  var acc = 0.0; for (var d = 0u; d < D; d++) { acc += (*q)[d] * K[base + d]; } return acc;
}
${HEAD}
  var q: array<f32, ${MAX_HEAD_DIM}>;
  var o: array<f32, ${MAX_HEAD_DIM}>;
  ${load('q', 'Q', 'row * D', ' * scale')}
  var m = -3.4028234663852886e38;
  var l = 0.0;
  for (var j = 0u; j <= pos; j++) {
    let s = score(&q, kv0 + j * D, D);
    let mNew = max(m, s);
    let correction = exp(m - mNew); // rescales what was accumulated under the old max
    let p = exp(s - mNew);
    l = l * correction + p;
    for (var d = 0u; d < D; d++) { o[d] = o[d] * correction + p * V[kv0 + j * D + d]; }
    m = mNew;
  }
  let oRow = outRow(bh, pos, T) * D;
  for (var d = 0u; d < D; d++) { O[oRow + d] = o[d] / l; }
  lse[row] = m + log(l);
}`;

export const attentionBackwardQueryWgsl = /* wgsl */ `
${bindings({ Q: 'read', K: 'read', V: 'read', O: 'read', dO: 'read', lse: 'read', delta: 'rw', dQ: 'rw' })}
${HEAD}
  var q: array<f32, ${MAX_HEAD_DIM}>;
  var g: array<f32, ${MAX_HEAD_DIM}>;
  var dq: array<f32, ${MAX_HEAD_DIM}>;
  ${load('q', 'Q', 'row * D', ' * scale')}
  let oRow = outRow(bh, pos, T) * D;
  ${load('g', 'dO', 'oRow')}
  var dlt = 0.0;
  for (var d = 0u; d < D; d++) { dlt += g[d] * O[oRow + d]; }
  delta[row] = dlt;
  let l = lse[row];
  for (var j = 0u; j <= pos; j++) {
    var s = 0.0; var dp = 0.0;
    for (var d = 0u; d < D; d++) { s += q[d] * K[kv0 + j * D + d]; dp += g[d] * V[kv0 + j * D + d]; }
    let ds = exp(s - l) * (dp - dlt);
    for (var d = 0u; d < D; d++) { dq[d] += ds * K[kv0 + j * D + d]; }
  }
  for (var d = 0u; d < D; d++) { dQ[row * D + d] = dq[d] * scale; }
}`;

export const attentionBackwardKeyValueWgsl = /* wgsl */ `
${bindings({ Q: 'read', K: 'read', V: 'read', dO: 'read', lse: 'read', delta: 'read', dK: 'rw', dV: 'rw' })}
${HEAD}
  let q0 = kv0; // queries share the head's block layout
  var k: array<f32, ${MAX_HEAD_DIM}>;
  var v: array<f32, ${MAX_HEAD_DIM}>;
  var dk: array<f32, ${MAX_HEAD_DIM}>;
  var dv: array<f32, ${MAX_HEAD_DIM}>;
  ${load('k', 'K', 'row * D')}
  ${load('v', 'V', 'row * D')}
  let first = row - pos; // row index of query 0 of this head
  for (var i = pos; i < T; i++) {
    let gRow = outRow(bh, i, T) * D;
    var s = 0.0; var dp = 0.0;
    for (var d = 0u; d < D; d++) { s += Q[q0 + i * D + d] * k[d]; dp += dO[gRow + d] * v[d]; }
    let p = exp(s * scale - lse[first + i]);
    let ds = p * (dp - delta[first + i]);
    for (var d = 0u; d < D; d++) {
      dv[d] += p * dO[gRow + d];
      dk[d] += ds * Q[q0 + i * D + d];
    }
  }
  for (var d = 0u; d < D; d++) { dK[row * D + d] = dk[d] * scale; dV[row * D + d] = dv[d]; }
}`;
