/**
 * Kernels of the fused LM head + cross-entropy (see linear-cross-entropy.ts). The logits of one
 * chunk of rows (rows, V) come from a matmul; these kernels turn them into per-row statistics and,
 * in place, into the chunk's gradient, so no tensor of all rows' logits ever exists.
 * 1. rows:   one workgroup per row r of the chunk (global row r0 + r). Each lane keeps an online
 *            (max m, Σ exp(x − m)) pair and an argmax over a strided share of the V columns; a tree
 *            merges the lanes. lse = m + log s; loss = lse − x[t]; correct = (argmax == t).
 *            Ignored rows (t = ignore index, or t outside [0, V)) get loss 0 and correct 0.
 * 2. grad:   x ← softmax(x) − onehot(t) in place, 0 for ignored rows (unscaled: the VJP multiplies
 *            by g / count, which is the only place the upstream gradient enters).
 * 3. reduce: one workgroup sums loss, correct and valid rows over all N rows:
 *            out = Σ loss / max(count, 1); stats = [Σ loss, Σ correct, count].
 * Uniforms: [0] rows (N for reduce), [1] V, [2] ignore index (i32), [3] r0.
 */
import { bindings, perIndex, workgroupTree } from '../wgsl.js';
import { countedRowSumsWgsl, IGNORED_WGSL as IGNORED } from '../cross-entropy/cross-entropy.wgsl.js';

export const LCE_LANES = 64;

export const lceRowsWgsl = /* wgsl */ `
${bindings({ logits: 'read', targets: 'read i32', lse: 'rw', losses: 'rw', correct: 'rw' })}
${IGNORED}
var<workgroup> ms: array<vec2<f32>, ${LCE_LANES}>; // (max, Σ exp(x − max)) per lane
var<workgroup> bestValue: array<f32, ${LCE_LANES}>; // each lane's argmax: its value
var<workgroup> bestColumn: array<u32, ${LCE_LANES}>; // and its column
// Lane a absorbs lane b: logsumexp pairs merge, and the larger value wins the argmax (on a tie,
// the lower column: the reference's first maximum).
fn mergeLanes(a: u32, b: u32) {
  let p = ms[a];
  let q = ms[b];
  let mm = max(p.x, q.x);
  ms[a] = vec2<f32>(mm, p.y * exp(p.x - mm) + q.y * exp(q.x - mm));
  let qv = bestValue[b];
  let qj = bestColumn[b];
  if (qv > bestValue[a] || (qv == bestValue[a] && qj < bestColumn[a])) {
    bestValue[a] = qv;
    bestColumn[a] = qj;
  }
}
@compute @workgroup_size(${LCE_LANES})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let r = wg.x;
  let V = pu(1u);
  let base = r * V;
  var m = -3.4028234663852886e38;
  var s = 0.0;
  var bv = -3.4028234663852886e38;
  var bj = 4294967295u;
  for (var j = lane; j < V; j += ${LCE_LANES}u) {
    let x = logits[base + j];
    // Online logsumexp: rescale the running sum when the max grows.
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
    if (x > bv) { bv = x; bj = j; } // strided columns ascend, so ties keep the lowest
  }
  ms[lane] = vec2<f32>(m, s);
  bestValue[lane] = bv;
  bestColumn[lane] = bj;
  ${workgroupTree(LCE_LANES, 'lane', (half) => `mergeLanes(lane, lane + ${half});`)}
  if (lane == 0u) {
    let row = pu(3u) + r;
    let l = ms[0].x + log(ms[0].y);
    lse[row] = l;
    let t = targets[row];
    if (ignored(t, V)) {
      losses[row] = 0.0;
      correct[row] = 0.0;
    } else {
      losses[row] = l - logits[base + u32(t)];
      correct[row] = select(0.0, 1.0, bestColumn[0] == u32(t));
    }
  }
}`;

export const lceGradWgsl = /* wgsl */ `
${bindings({ targets: 'read i32', lse: 'read', logits: 'rw' })} // logits (rows, V) become dlogits
${IGNORED}
${perIndex(256, 'i', 'pu(0u) * V', 'let V = pu(1u);')}
  let row = pu(3u) + i / V;
  let t = targets[row];
  if (ignored(t, V)) { logits[i] = 0.0; return; }
  let onehot = select(0.0, 1.0, u32(t) == i % V);
  logits[i] = exp(logits[i] - lse[row]) - onehot;
}`;

export const lceReduceWgsl = /* wgsl */ `
${bindings({ losses: 'read', correct: 'read', targets: 'read i32', out: 'rw', stats: 'rw' })} // out: the mean loss; stats: Σ loss, Σ correct, count
${IGNORED}
${countedRowSumsWgsl('vec3<f32>', 'vec3<f32>(losses[r], correct[r], 1.0)')}
  if (lane == 0u) {
    out[0] = sums[0].x / max(sums[0].z, 1.0);
    stats[0] = sums[0].x;
    stats[1] = sums[0].y;
    stats[2] = sums[0].z;
  }
}`;
