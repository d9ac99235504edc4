/**
 * The load-balancing loss of a mixture of experts, scale · Σ_e f_e · mean_n probs[n, e], by one
 * workgroup of 256 (a tree in workgroup memory), and its gradient in probs,
 * g · scale · f_e / N, one invocation per element. Uniforms: [0] N·E, [1] E, [2] scale / N.
 */
import { bindings, perIndex, treeSum } from '../wgsl.js';

export const balanceLossWgsl = /* wgsl */ `
${bindings({ probs: 'read', fraction: 'read', out: 'rw' })}
var<workgroup> sums: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lane: u32) {
  let n = pu(0u); let E = pu(1u);
  var acc = 0.0;
  for (var i = lane; i < n; i += 256u) { acc += probs[i] * fraction[i % E]; }
  sums[lane] = acc;
  ${treeSum('sums', 'lane', 256)}
  if (lane == 0u) { out[0] = sums[0] * pf(2u); }
}`;

export const balanceLossGradWgsl = /* wgsl */ `
${bindings({ g: 'read', fraction: 'read', dprobs: 'rw' })}
${perIndex(256, 'i', 'pu(0u)')}
  dprobs[i] = g[0] * fraction[i % pu(1u)] * pf(2u);
}`;
