/**
 * Softmax and log-softmax over the last axis, one invocation per row (rows are many in training:
 * B·T tokens). Uniforms: [0] rows, [1] n (row length).
 * Forward: max-subtracted for stability. Backward (y saved):
 *   softmax:     dx = y ⊙ (g − Σ g⊙y)
 *   log-softmax: dx = g − exp(y) · Σ g
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const softmaxForwardWgsl = (log: boolean): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'ys', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let r = ${linearIndex(64)};
  let n = pu(1u);
  if (r >= pu(0u)) { return; }
  let base = r * n;
  var m = -3.4028234663852886e38;
  for (var j = 0u; j < n; j++) { m = max(m, xs[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < n; j++) { s += exp(xs[base + j] - m); }
  ${
    log
      ? 'let lse = m + log(s);\n  for (var j = 0u; j < n; j++) { ys[base + j] = xs[base + j] - lse; }'
      : 'let inv = 1.0 / s;\n  for (var j = 0u; j < n; j++) { ys[base + j] = exp(xs[base + j] - m) * inv; }'
  }
}`;

export const softmaxBackwardWgsl = (log: boolean): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'gs', 'array<f32>', 'read')}
${storage(2, 'ys', 'array<f32>', 'read')}
${storage(3, 'dx', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let r = ${linearIndex(64)};
  let n = pu(1u);
  if (r >= pu(0u)) { return; }
  let base = r * n;
  var dot = 0.0;
  for (var j = 0u; j < n; j++) { dot += ${log ? 'gs[base + j]' : 'gs[base + j] * ys[base + j]'}; }
  for (var j = 0u; j < n; j++) {
    ${log ? 'dx[base + j] = gs[base + j] - exp(ys[base + j]) * dot;' : 'dx[base + j] = ys[base + j] * (gs[base + j] - dot);'}
  }
}`;
