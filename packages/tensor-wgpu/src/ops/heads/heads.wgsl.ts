/**
 * qkvHeads: a fused attention projection's output x (B, T, 3·H·D), channels ordered (which, head, j)
 * as in a reshape to [B, T, 3, H, D], split into q, k, v (B, H, T, D) with RoPE on q and k, in one
 * pass (it was a 5-d transpose, three slices and two rotations; backward: two rotations, three
 * zero-padded scatters, two sums and the transpose back).
 *   forward:  one invocation per input pair (b, t, which, h, i): out_which[b, h, t, pair i] =
 *             R(θ) · x[b, t, which, h, pair i] for which < 2 (when rotating), else a copy;
 *   backward: the same invocation reads g_which there and writes R(−θ)·g back to dx (one kernel,
 *             no zero fill: every input pair is written). An output with no gradient reads 0.
 * θ = (t + offset)·base^(−2i/D) (rope.wgsl.ts's ropeAngle). Uniforms: [0] pairs (B·T·3·H·D/2),
 * [1] T, [2] H, [3] D, [4] base, [5] offset, [6] rotate (0/1), [7] which gradients exist (bits).
 */
import { bindings, perIndex } from '../wgsl.js';
import { ROPE_ANGLE_WGSL } from '../rope/rope.wgsl.js';

/** Where input pair i goes: which part, the pair's index in that part, the position and its angle. */
const PLACE_WGSL = /* wgsl */ `
${ROPE_ANGLE_WGSL}
struct Place { which: u32, at: u32, c: f32, s: f32 }
fn place(i: u32) -> Place {
  let T = pu(1u); let H = pu(2u); let D = pu(3u);
  let half = D / 2u;
  let pair = i % half;
  let h = (i / half) % H;
  let which = (i / (half * H)) % 3u;
  let bt = i / (half * H * 3u);
  let t = bt % T; let b = bt / T;
  let at = ((b * H + h) * T + t) * half + pair;
  var c = 1.0; var s = 0.0;
  if (which < 2u && pu(6u) == 1u) {
    let theta = ropeAngle(t + pu(5u), pair, D, pf(4u));
    c = cos(theta); s = sin(theta);
  }
  return Place(which, at, c, s);
}`;

/** A kernel's bindings, place(), and `main` up to `p`: the place of this invocation's input pair. */
const opening = (buffers: Record<string, string>): string => /* wgsl */ `
${bindings(buffers)}
${PLACE_WGSL}
${perIndex(256, 'i', 'pu(0u)')}
  let p = place(i);`;

export const qkvHeadsWgsl = /* wgsl */ `
${opening({ xs: 'read vec2<f32>', q: 'rw vec2<f32>', k: 'rw vec2<f32>', v: 'rw vec2<f32>' })}
  let x = xs[i];
  let y = vec2<f32>(x.x * p.c - x.y * p.s, x.x * p.s + x.y * p.c);
  if (p.which == 0u) { q[p.at] = y; } else if (p.which == 1u) { k[p.at] = y; } else { v[p.at] = y; }
}`;

export const qkvHeadsBackwardWgsl = /* wgsl */ `
${opening({ gq: 'read vec2<f32>', gk: 'read vec2<f32>', gv: 'read vec2<f32>', dx: 'rw vec2<f32>' })}
  var g = vec2<f32>(0.0);
  if ((pu(7u) & (1u << p.which)) != 0u) {
    if (p.which == 0u) { g = gq[p.at]; } else if (p.which == 1u) { g = gk[p.at]; } else { g = gv[p.at]; }
  }
  dx[i] = vec2<f32>(g.x * p.c + g.y * p.s, -g.x * p.s + g.y * p.c);
}`;
