/**
 * Seeded uniform and normal tensors. Uniforms: [0] blocks (vec4 count), [1] seed lo, [2] seed hi,
 * [3] stream, [4] a, [5] b. Uniform: a + (b − a)·u. Normal (Box–Muller on pairs): a + b·z.
 */
import { bindings, perIndex } from '../wgsl.js';
import { PHILOX_WGSL } from './philox.wgsl.js';

export const randomWgsl = (dist: 'uniform' | 'normal'): string => /* wgsl */ `
${bindings({ out: 'rw vec4<f32>' })}
${PHILOX_WGSL}
${perIndex(64, 'i', 'pu(0u)')}
  let bits = philox(vec4<u32>(i, pu(3u), 0u, 0u), vec2<u32>(pu(1u), pu(2u)));
  let a = pf(4u); let b = pf(5u);
  ${
    dist === 'uniform'
      ? 'out[i] = vec4<f32>(a) + (b - a) * toUnit(bits);'
      : `let u = toUnit(bits);
  let r0 = sqrt(-2.0 * log(1.0 - u.x)); // 1 − u ∈ (0, 1]: log is finite
  let r1 = sqrt(-2.0 * log(1.0 - u.z));
  let t0 = 6.283185307179586 * u.y;
  let t1 = 6.283185307179586 * u.w;
  out[i] = vec4<f32>(a) + b * vec4<f32>(r0 * cos(t0), r0 * sin(t0), r1 * cos(t1), r1 * sin(t1));`
  }
}`;
