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
import { bindings, perIndex } from '../wgsl.js';

export const combineExpertsWgsl = /* wgsl */ `
${bindings({ ys: 'read', gates: 'read', position: 'read i32', out: 'rw' })}
${perIndex(256, 'i', 'N * d', 'let N = pu(0u); let k = pu(1u); let d = pu(2u);')}
  let n = i / d; let c = i % d;
  var acc = 0.0;
  for (var j = 0u; j < k; j++) {
    let s = n * k + j;
    acc += gates[s] * ys[u32(position[s]) * d + c];
  }
  out[i] = acc;
}`;

export const combineExpertsRowsGradWgsl = /* wgsl */ `
${bindings({ g: 'read', gates: 'read', order: 'read i32', dys: 'rw' })}
${perIndex(256, 'i', 'N * k * d', 'let N = pu(0u); let k = pu(1u); let d = pu(2u);')}
  let s = u32(order[i / d]);
  dys[i] = gates[s] * g[(s / k) * d + i % d];
}`;

export const combineExpertsGatesGradWgsl = /* wgsl */ `
${bindings({ g: 'read', ys: 'read', position: 'read i32', dgates: 'rw' })}
${perIndex(64, 's', 'N * k', 'let N = pu(0u); let k = pu(1u); let d = pu(2u);')}
  let y0 = u32(position[s]) * d;
  let g0 = (s / k) * d;
  var acc = 0.0;
  for (var c = 0u; c < d; c++) { acc += ys[y0 + c] * g[g0 + c]; }
  dgates[s] = acc;
}`;
