/**
 * Sum of squares of one tensor by one workgroup of 256 (vec4 loads, tree in workgroup memory),
 * written to partials[slot]; then out = sqrt(Σ partials). Uniforms: [0] n, [1] slot / count.
 */
import { bindings, treeSum } from '../wgsl.js';

export const sumSquaresWgsl = /* wgsl */ `
${bindings({ xs: 'read vec4<f32>', partials: 'rw' })}
var<workgroup> sums: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) lane: u32) {
  let n = pu(0u);
  let full = n / 4u;
  var acc = 0.0;
  for (var i = lane; i < full; i += 256u) { let x = xs[i]; acc += dot(x, x); }
  if (lane == 0u && full * 4u < n) {
    let x = xs[full];
    for (var j = 0u; j < n - full * 4u; j++) { acc += x[j] * x[j]; } // ragged tail
  }
  sums[lane] = acc;
  ${treeSum('sums', 'lane', 256)}
  if (lane == 0u) { partials[pu(1u)] = sums[0]; }
}`;

export const sqrtOfSumWgsl = /* wgsl */ `
${bindings({ partials: 'read', out: 'rw' })}
@compute @workgroup_size(1)
fn main() {
  var acc = 0.0;
  for (var i = 0u; i < pu(0u); i++) { acc += partials[i]; }
  out[0] = sqrt(acc);
}`;
