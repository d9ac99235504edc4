/**
 * Inverted dropout: y_i = x_i · keep_i / (1 − p), keep_i = [u_i ≥ p] with u_i from Philox at
 * (seed, stream, i). The mask is recomputed, never stored: the backward is the same kernel on g.
 * Uniforms: [0] n, [1] seed lo, [2] seed hi, [3] stream, [4] p.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';
import { PHILOX_WGSL } from '../random/philox.wgsl.js';

export const dropoutWgsl = /* wgsl */ `
${PARAMS_WGSL}
${PHILOX_WGSL}
${storage(1, 'xs', 'array<vec4<f32>>', 'read')}
${storage(2, 'ys', 'array<vec4<f32>>', 'read_write')}
${mainSignature(64)} {
  let i = ${linearIndex(64)};
  if (i * 4u >= pu(0u)) { return; }
  let p = pf(4u);
  let u = toUnit(philox(vec4<u32>(i, pu(3u), 0u, 0u), vec2<u32>(pu(1u), pu(2u))));
  let keep = select(vec4<f32>(0.0), vec4<f32>(1.0 / (1.0 - p)), u >= vec4<f32>(p));
  ys[i] = xs[i] * keep;
}`;
