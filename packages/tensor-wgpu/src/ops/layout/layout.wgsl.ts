/**
 * Strided copies behind transpose, slice, concat and their adjoints.
 * Uniforms: [0] n, [1..6] dims (rank padded to 6, at the front), [7..12] strides of the strided
 * side, [13] offset, [14] rank (only the last `rank` dims are walked: every u32 div/mod costs on
 * lavapipe). Elements are f32/i32, or vec4s of them when the innermost run allows (see layout.ts).
 * - gather: out[i] = x[offset + Σ coord_d · stride_d] (out contiguous)
 * - scatter: out[offset + Σ coord_d · stride_d] = x[i] (x contiguous; writes into an existing buffer)
 */
import { bindings, perIndex } from '../wgsl.js';

const stridedIndex = /* wgsl */ `
fn strided(i: u32) -> u32 {
  var rem = i;
  var at = pu(13u);
  for (var d = 5i; d >= 6i - i32(pu(14u)); d--) {
    let dim = pu(1u + u32(d));
    at += (rem % dim) * pu(7u + u32(d));
    rem = rem / dim;
  }
  return at;
}`;

/** The strided copy: `gather` reads the strided side into a contiguous out, `scatter` writes x there. */
export const stridedCopyWgsl = (type: string, direction: 'gather' | 'scatter'): string => /* wgsl */ `
${bindings({ xs: `read ${type}`, out: `rw ${type}` })}
${stridedIndex}
${perIndex(256, 'i', 'pu(0u)')}
  ${direction === 'gather' ? 'out[i] = xs[strided(i)];' : 'out[strided(i)] = xs[i];'}
}`;
