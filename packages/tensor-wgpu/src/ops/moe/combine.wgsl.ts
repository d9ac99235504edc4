/**
 * The last step of a mixture of experts: each token's k expert outputs, weighted by its gates, summed
 * back in token order. Expert outputs ys (R = N·k, d) are in routed (sorted) order; slot s = n·k + j
 * sits at sorted row position[s], and sorted row r holds slot order[r].
 *   forward:  out[n, c] = Σ_j gates[n·k + j] · ys[position[n·k + j], c]   (one invocation per element)
 *   dys:      dys[r, c] = gates[order[r]] · g[order[r] / k, c]            (one invocation per element)
 *   dgates:   dgates[s] = Σ_c ys[position[s], c] · g[s / k, c]            (one invocation per slot)
 * One kernel each instead of gather (gates) → multiply → scatter-add → sum over k, whose backward
 * took twice as many. Deterministic: every output element is one invocation's sum, in a fixed order.
 * Uniforms: [0] N, [1] k, [2] d.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const combineExpertsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'ys', 'array<f32>', 'read')}
${storage(2, 'gates', 'array<f32>', 'read')}
${storage(3, 'position', 'array<i32>', 'read')}
${storage(4, 'out', 'array<f32>', 'read_write')}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  let N = pu(0u); let k = pu(1u); let d = pu(2u);
  if (i >= N * d) { return; }
  let n = i / d; let c = i % d;
  var acc = 0.0;
  for (var j = 0u; j < k; j++) {
    let s = n * k + j;
    acc += gates[s] * ys[u32(position[s]) * d + c];
  }
  out[i] = acc;
}`;

export const combineExpertsRowsGradWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'g', 'array<f32>', 'read')}
${storage(2, 'gates', 'array<f32>', 'read')}
${storage(3, 'order', 'array<i32>', 'read')}
${storage(4, 'dys', 'array<f32>', 'read_write')}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  let N = pu(0u); let k = pu(1u); let d = pu(2u);
  if (i >= N * k * d) { return; }
  let s = u32(order[i / d]);
  dys[i] = gates[s] * g[(s / k) * d + i % d];
}`;

export const combineExpertsGatesGradWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'g', 'array<f32>', 'read')}
${storage(2, 'ys', 'array<f32>', 'read')}
${storage(3, 'position', 'array<i32>', 'read')}
${storage(4, 'dgates', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let s = ${linearIndex(64)};
  let N = pu(0u); let k = pu(1u); let d = pu(2u);
  if (s >= N * k) { return; }
  let y0 = u32(position[s]) * d;
  let g0 = (s / k) * d;
  var acc = 0.0;
  for (var c = 0u; c < d; c++) { acc += ys[y0 + c] * g[g0 + c]; }
  dgates[s] = acc;
}`;
