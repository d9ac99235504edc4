/**
 * Inverted dropout: y_i = x_i · keep_i / (1 − p), keep_i = [u_i ≥ p] with u_i from Philox at
 * (seed, stream, i). The mask is recomputed, never stored: the backward is the same kernel on g.
 * Uniforms: [0] n, [1] seed lo, [2] seed hi, [3] stream, [4] p.
 */
import { bindings, linearIndex, mainSignature } from '../wgsl.js';
import { PHILOX_WGSL } from '../random/philox.wgsl.js';

/**
 * The scale of elements 4·i4 … 4·i4 + 3 (0 or 1/(1 − p)): the one definition of the mask, shared by
 * every kernel that applies dropout. Needs PHILOX_WGSL.
 */
export const DROPOUT_KEEP_WGSL = /* wgsl */ `
fn dropoutKeep(i4: u32, stream: u32, seed: vec2<u32>, p: f32) -> vec4<f32> {
  let u = toUnit(philox(vec4<u32>(i4, stream, 0u, 0u), seed));
  return select(vec4<f32>(0.0), vec4<f32>(1.0 / (1.0 - p)), u >= vec4<f32>(p));
}`;

export const dropoutWgsl = /* wgsl */ `
${bindings({ xs: 'read vec4<f32>', ys: 'rw vec4<f32>' })}
${PHILOX_WGSL}
${DROPOUT_KEEP_WGSL}
${mainSignature(64)} {
  let i = ${linearIndex(64)};
  if (i * 4u >= pu(0u)) { return; }
  ys[i] = xs[i] * dropoutKeep(i, pu(3u), vec2<u32>(pu(1u), pu(2u)), pf(4u));
}`;
