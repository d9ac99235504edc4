/**
 * Fused cross-entropy from logits (N, V) with i32 targets (N), mean over non-ignored tokens.
 * 1. rows:   lse_r = logsumexp(x_r); loss_r = lse_r − x_r[t_r] (0 when t_r = ignore)
 * 2. reduce: one workgroup sums loss_r and counts valid rows: out = Σ loss / max(count, 1)
 * 3. back:   dx_r = g/count · (softmax(x_r) − onehot(t_r)), 0 for ignored rows
 * Uniforms: [0] N, [1] V, [2] ignore index (i32).
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const crossEntropyRowsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'targets', 'array<i32>', 'read')}
${storage(3, 'lse', 'array<f32>', 'read_write')}
${storage(4, 'losses', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let r = ${linearIndex(64)};
  let V = pu(1u);
  if (r >= pu(0u)) { return; }
  let base = r * V;
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < V; j++) { m = max(m, xs[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < V; j++) { s += exp(xs[base + j] - m); }
  let l = m + log(s);
  lse[r] = l;
  let t = targets[r];
  if (t == pi(2u) || t < 0 || u32(t) >= V) { losses[r] = 0.0; } else { losses[r] = l - xs[base + u32(t)]; }
}`;

export const crossEntropyReduceWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'losses', 'array<f32>', 'read')}
${storage(2, 'targets', 'array<i32>', 'read')}
${storage(3, 'out', 'array<f32>', 'read_write')}
${storage(4, 'count', 'array<f32>', 'read_write')}
var<workgroup> sums: array<vec2<f32>, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lane: u32) {
  let N = pu(0u); let V = pu(1u);
  var acc = vec2<f32>(0.0);
  for (var r = lane; r < N; r += 64u) {
    let t = targets[r];
    if (!(t == pi(2u) || t < 0 || u32(t) >= V)) { acc += vec2<f32>(losses[r], 1.0); }
  }
  sums[lane] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lane < s) { sums[lane] += sums[lane + s]; }
    workgroupBarrier();
  }
  if (lane == 0u) {
    out[0] = sums[0].x / max(sums[0].y, 1.0);
    count[0] = sums[0].y;
  }
}`;

export const crossEntropyBackwardWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'targets', 'array<i32>', 'read')}
${storage(3, 'lse', 'array<f32>', 'read')}
${storage(4, 'count', 'array<f32>', 'read')}
${storage(5, 'g', 'array<f32>', 'read')}
${storage(6, 'dx', 'array<f32>', 'read_write')}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  let N = pu(0u); let V = pu(1u);
  if (i >= N * V) { return; }
  let r = i / V;
  let j = i % V;
  let t = targets[r];
  if (t == pi(2u) || t < 0 || u32(t) >= V) { dx[i] = 0.0; return; }
  let scale = g[0] / max(count[0], 1.0);
  let onehot = select(0.0, 1.0, u32(t) == j);
  dx[i] = scale * (exp(xs[i] - lse[r]) - onehot);
}`;
