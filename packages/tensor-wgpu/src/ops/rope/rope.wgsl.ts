/**
 * Rotary position embedding over the last axis (D, even), interleaved pairs (x[2i], x[2i+1])
 * rotated by θ = (t + offset)·base^(−2i/D), t the second-to-last index.
 *   forward (dir = +1): y0 = x0 cos θ − x1 sin θ, y1 = x0 sin θ + x1 cos θ
 *   backward (dir = −1): the inverse rotation applied to g.
 * Uniforms: [0] pairs (size/2), [1] T, [2] D, [3] base, [4] offset, [5] dir.
 */
import { bindings, perIndex } from '../wgsl.js';

/** θ of pair `pair` (of D/2) at position `pos`: pos·base^(−2·pair/D). Shared by every RoPE kernel. */
export const ROPE_ANGLE_WGSL = /* wgsl */ `
fn ropeAngle(pos: u32, pair: u32, D: u32, base: f32) -> f32 {
  return f32(pos) * pow(base, -2.0 * f32(pair) / f32(D));
}`;

export const ropeWgsl = /* wgsl */ `
${bindings({ xs: 'read vec2<f32>', ys: 'rw vec2<f32>' })}
${ROPE_ANGLE_WGSL}
${perIndex(256, 'i', 'pu(0u)')}
  let T = pu(1u); let half = pu(2u) / 2u;
  let pair = i % half;
  let t = (i / half) % T;
  let theta = ropeAngle(t + pu(4u), pair, pu(2u), pf(3u));
  let c = cos(theta);
  let s = sin(theta) * pf(5u);
  let x = xs[i];
  ys[i] = vec2<f32>(x.x * c - x.y * s, x.x * s + x.y * c);
}`;
