/**
 * Strided copies behind transpose, slice, concat and their adjoints.
 * Uniforms: [0] n, [1..6] dims (rank padded to 6, at the front), [7..12] strides of the strided
 * side, [13] offset, [14] rank (only the last `rank` dims are walked: every u32 div/mod costs on
 * lavapipe). Elements are f32/i32, or vec4s of them when the innermost run allows (see layout.ts).
 * - gather: out[i] = x[offset + Σ coord_d · stride_d] (out contiguous)
 * - scatter: out[offset + Σ coord_d · stride_d] = x[i] (x contiguous; writes into an existing buffer)
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

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

export const gatherStridedWgsl = (type: string): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', `array<${type}>`, 'read')}
${storage(2, 'out', `array<${type}>`, 'read_write')}
${stridedIndex}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  if (i >= pu(0u)) { return; }
  out[i] = xs[strided(i)];
}`;

export const scatterStridedWgsl = (type: string): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', `array<${type}>`, 'read')}
${storage(2, 'out', `array<${type}>`, 'read_write')}
${stridedIndex}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  if (i >= pu(0u)) { return; }
  out[strided(i)] = xs[i];
}`;
