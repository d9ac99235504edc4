/**
 * Fused cross-entropy from logits (N, V) with i32 targets (N), mean over non-ignored tokens.
 * 1. rows:   lse_r = logsumexp(x_r); loss_r = lse_r − x_r[t_r] (0 when t_r = ignore)
 * 2. reduce: one workgroup sums loss_r and counts valid rows: out = Σ loss / max(count, 1)
 * 3. back:   dx_r = g/count · (softmax(x_r) − onehot(t_r)), 0 for ignored rows
 * Uniforms: [0] N, [1] V, [2] ignore index (i32).
 */
import { bindings, perIndex, treeSum } from '../wgsl.js';

/** The one rule for rows that do not count: target = the ignore index (uniform [2]), or outside [0, V). */
export const IGNORED_WGSL = /* wgsl */ `
fn ignored(t: i32, V: u32) -> bool { return t == pi(2u) || t < 0 || u32(t) >= V; }`;

/**
 * Opens a one-workgroup `main` that sums `value` (of WGSL type `type`, read at row r) over the rows
 * r < N whose target counts, into sums[0] (needs IGNORED_WGSL and a `targets` binding). The caller
 * writes lane 0's epilogue and the closing brace.
 */
export const countedRowSumsWgsl = (type: string, value: string): string => /* wgsl */ `
var<workgroup> sums: array<${type}, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lane: u32) {
  let N = pu(0u); let V = pu(1u);
  var acc = ${type}(0.0);
  for (var r = lane; r < N; r += 64u) {
    if (!ignored(targets[r], V)) { acc += ${value}; }
  }
  sums[lane] = acc;
  ${treeSum('sums', 'lane', 64)}`;

export const crossEntropyRowsWgsl = /* wgsl */ `
${bindings({ xs: 'read', targets: 'read i32', lse: 'rw', losses: 'rw' })}
${IGNORED_WGSL}
${perIndex(64, 'r', 'pu(0u)', 'let V = pu(1u);')}
  let base = r * V;
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < V; j++) { m = max(m, xs[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < V; j++) { s += exp(xs[base + j] - m); }
  let l = m + log(s);
  lse[r] = l;
  let t = targets[r];
  if (ignored(t, V)) { losses[r] = 0.0; } else { losses[r] = l - xs[base + u32(t)]; }
}`;

export const crossEntropyReduceWgsl = /* wgsl */ `
${bindings({ losses: 'read', targets: 'read i32', out: 'rw', count: 'rw' })}
${IGNORED_WGSL}
${countedRowSumsWgsl('vec2<f32>', 'vec2<f32>(losses[r], 1.0)')}
  if (lane == 0u) {
    out[0] = sums[0].x / max(sums[0].y, 1.0);
    count[0] = sums[0].y;
  }
}`;

export const crossEntropyBackwardWgsl = /* wgsl */ `
${bindings({ xs: 'read', targets: 'read i32', lse: 'read', count: 'read', g: 'read', dx: 'rw' })}
${IGNORED_WGSL}
${perIndex(256, 'i', 'N * V', 'let N = pu(0u); let V = pu(1u);')}
  let r = i / V;
  let j = i % V;
  let t = targets[r];
  if (ignored(t, V)) { dx[i] = 0.0; return; }
  let scale = g[0] / max(count[0], 1.0);
  let onehot = select(0.0, 1.0, u32(t) == j);
  dx[i] = scale * (exp(xs[i] - lse[r]) - onehot);
}`;
