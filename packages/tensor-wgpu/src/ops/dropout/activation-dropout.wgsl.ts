/**
 * activationDropout: y = dropout(f(x)) for a unary function f (elementwise.ts's UNARY), one pass
 * over vec4s instead of two (an MoE expert's SiLU and the dropout on its hidden units).
 *   forward:  y = f(x, p) · keep
 *   backward: dx = g · keep · f'(x, f(x), p)   (f(x) recomputed, not stored)
 * keep is dropoutKeep of the same vec4 index: the mask of dropout(unary(x)).
 * Uniforms: [0] n4, [1] p of f, [2] seed lo, [3] seed hi, [4] stream, [5] dropout p.
 */
import { bindings, perIndex } from '../wgsl.js';
import { PHILOX_WGSL } from '../random/philox.wgsl.js';
import { DROPOUT_KEEP_WGSL } from './dropout.wgsl.js';

const HEAD = /* wgsl */ `
${PHILOX_WGSL}
${DROPOUT_KEEP_WGSL}
alias T = vec4<f32>;`;

export const activationDropoutWgsl = (f: string): string => /* wgsl */ `
${bindings({ xs: 'read vec4<f32>', ys: 'rw vec4<f32>' })}
${HEAD}
${perIndex(64, 'i', 'pu(0u)')}
  let x = xs[i];
  let p = T(pf(1u));
  ys[i] = (${f}) * dropoutKeep(i, pu(4u), vec2<u32>(pu(2u), pu(3u)), pf(5u));
}`;

export const activationDropoutGradWgsl = (f: string, df: string): string => /* wgsl */ `
${bindings({ gs: 'read vec4<f32>', xs: 'read vec4<f32>', dx: 'rw vec4<f32>' })}
${HEAD}
${perIndex(64, 'i', 'pu(0u)')}
  let x = xs[i];
  let p = T(pf(1u));
  let y = ${f};
  dx[i] = gs[i] * dropoutKeep(i, pu(4u), vec2<u32>(pu(2u), pu(3u)), pf(5u)) * (${df});
}`;
