/**
 * Softmax and log-softmax over the last axis, one invocation per row (rows are many in training:
 * B·T tokens). Uniforms: [0] rows, [1] n (row length).
 * Forward: max-subtracted for stability. Backward (y saved):
 *   softmax:     dx = y ⊙ (g − Σ g⊙y)
 *   log-softmax: dx = g − exp(y) · Σ g
 */
import { bindings, perIndex } from '../wgsl.js';

/**
 * Statements leaving a row's max in m<id> and Σ exp(x − max) in s<id>, over `read('j')` for j in
 * [0, len): the one definition of softmax's stable arithmetic (softmax and the MoE router use it).
 */
export const softmaxStatsWgsl = (len: string, read: (j: string) => string, id = ''): string => /* wgsl */ `
  var m${id} = -3.4028234663852886e38;
  for (var j = 0u; j < ${len}; j++) { m${id} = max(m${id}, ${read('j')}); }
  var s${id} = 0.0;
  for (var j = 0u; j < ${len}; j++) { s${id} += exp(${read('j')} - m${id}); }`;

/** Statements leaving Σ g⊙y over j in [0, len) in dot<id>: softmax's backward is y ⊙ (g − dot). */
export const softmaxDotWgsl = (len: string, g: (j: string) => string, y: (j: string) => string, id = ''): string => /* wgsl */ `
  var dot${id} = 0.0;
  for (var j = 0u; j < ${len}; j++) { dot${id} += ${g('j')} * ${y('j')}; }`;

export const softmaxForwardWgsl = (log: boolean): string => /* wgsl */ `
${bindings({ xs: 'read', ys: 'rw' })}
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u);')}
  let base = r * n;
  ${softmaxStatsWgsl('n', (j) => `xs[base + ${j}]`)}
  ${
    log
      ? 'let lse = m + log(s);\n  for (var j = 0u; j < n; j++) { ys[base + j] = xs[base + j] - lse; }'
      : 'let inv = 1.0 / s;\n  for (var j = 0u; j < n; j++) { ys[base + j] = exp(xs[base + j] - m) * inv; }'
  }
}`;

export const softmaxBackwardWgsl = (log: boolean): string => /* wgsl */ `
${bindings({ gs: 'read', ys: 'read', dx: 'rw' })}
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u);')}
  let base = r * n;
  ${softmaxDotWgsl('n', (j) => `gs[base + ${j}]`, (j) => (log ? '1.0' : `ys[base + ${j}]`))}
  for (var j = 0u; j < n; j++) {
    ${log ? 'dx[base + j] = gs[base + j] - exp(ys[base + j]) * dot;' : 'dx[base + j] = ys[base + j] * (gs[base + j] - dot);'}
  }
}`;
