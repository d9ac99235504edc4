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
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const LCE_LANES = 64;

const IGNORED = /* wgsl */ `
fn ignored(t: i32, V: u32) -> bool { return t == pi(2u) || t < 0 || u32(t) >= V; }`;

export const lceRowsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${IGNORED}
${storage(1, 'logits', 'array<f32>', 'read')} // (rows, V): this chunk
${storage(2, 'targets', 'array<i32>', 'read')} // (N)
${storage(3, 'lse', 'array<f32>', 'read_write')} // (N)
${storage(4, 'losses', 'array<f32>', 'read_write')} // (N)
${storage(5, 'correct', 'array<f32>', 'read_write')} // (N)
var<workgroup> ms: array<vec2<f32>, ${LCE_LANES}>; // (max, Σ exp(x − max)) per lane
var<workgroup> bestValue: array<f32, ${LCE_LANES}>; // each lane's argmax: its value
var<workgroup> bestColumn: array<u32, ${LCE_LANES}>; // and its column
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
  workgroupBarrier();
  for (var half = ${LCE_LANES / 2}u; half > 0u; half >>= 1u) {
    if (lane < half) {
      let a = ms[lane];
      let b = ms[lane + half];
      let mm = max(a.x, b.x);
      ms[lane] = vec2<f32>(mm, a.y * exp(a.x - mm) + b.y * exp(b.x - mm));
      let qv = bestValue[lane + half];
      let qj = bestColumn[lane + half];
      // The larger value wins; on a tie, the lower column (the reference's first maximum).
      if (qv > bestValue[lane] || (qv == bestValue[lane] && qj < bestColumn[lane])) {
        bestValue[lane] = qv;
        bestColumn[lane] = qj;
      }
    }
    workgroupBarrier();
  }
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
${PARAMS_WGSL}
${IGNORED}
${storage(1, 'targets', 'array<i32>', 'read')} // (N)
${storage(2, 'lse', 'array<f32>', 'read')} // (N)
${storage(3, 'logits', 'array<f32>', 'read_write')} // (rows, V): becomes dlogits
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  let V = pu(1u);
  if (i >= pu(0u) * V) { return; }
  let row = pu(3u) + i / V;
  let t = targets[row];
  if (ignored(t, V)) { logits[i] = 0.0; return; }
  let onehot = select(0.0, 1.0, u32(t) == i % V);
  logits[i] = exp(logits[i] - lse[row]) - onehot;
}`;

export const lceReduceWgsl = /* wgsl */ `
${PARAMS_WGSL}
${IGNORED}
${storage(1, 'losses', 'array<f32>', 'read')} // (N)
${storage(2, 'correct', 'array<f32>', 'read')} // (N)
${storage(3, 'targets', 'array<i32>', 'read')} // (N)
${storage(4, 'out', 'array<f32>', 'read_write')} // []: the mean loss
${storage(5, 'stats', 'array<f32>', 'read_write')} // (3): Σ loss, Σ correct, count
var<workgroup> sums: array<vec3<f32>, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lane: u32) {
  let N = pu(0u); let V = pu(1u);
  var acc = vec3<f32>(0.0);
  for (var r = lane; r < N; r += 64u) {
    if (!ignored(targets[r], V)) { acc += vec3<f32>(losses[r], correct[r], 1.0); }
  }
  sums[lane] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lane < s) { sums[lane] += sums[lane + s]; }
    workgroupBarrier();
  }
  if (lane == 0u) {
    out[0] = sums[0].x / max(sums[0].z, 1.0);
    stats[0] = sums[0].x;
    stats[1] = sums[0].y;
    stats[2] = sums[0].z;
  }
}`;
