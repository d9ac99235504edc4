/**
 * Row gather/scatter by an i32 index list — embedding lookup and routing tokens to experts. The
 * row of index m is idx[m] / div (integer division; div = 1 but for MoE slots, whose id is
 * token·k + choice, so div = k reads the token's row).
 *   gather:     out[m, c] = x[row(m), c]                  (one invocation per element)
 *   scatterAdd: out[n, c] = Σ_{m: row(m) = n} src[m, c]   (one invocation per column, looping
 *               over m in order: deterministic, no float atomics; it zeroes its own column
 *               first, so the output needs no fill)
 *   scatterAdd, vec4 (C % 4 = 0): one invocation per 4 columns and stripe of output rows — every
 *               invocation scans all m but adds only rows of its stripe, so narrow tables still
 *               spread over several workgroups (a 64-column table was one workgroup, one thread);
 *               it zeroes its own stripe of its columns first
 * Rows outside [0, N) read zeros / are dropped. Uniforms: [0] M, [1] C, [2] N, [3] div,
 * [4] stripes.
 */
import { bindings, perIndex } from '../wgsl.js';

/** The row of index m, or -1: idx[m] / div for a non-negative index. */
const ROW_OF = /* wgsl */ `
fn rowOf(m: u32) -> i32 {
  let raw = idx[m];
  if (raw < 0) { return -1; }
  return i32(u32(raw) / pu(3u));
}`;

export const gatherRowsWgsl = /* wgsl */ `
${bindings({ xs: 'read', idx: 'read i32', out: 'rw' })}
${ROW_OF}
${perIndex(256, 'i', 'M * C', 'let M = pu(0u); let C = pu(1u); let N = pu(2u);')}
  let row = rowOf(i / C);
  if (row < 0 || u32(row) >= N) { out[i] = 0.0; return; }
  out[i] = xs[u32(row) * C + i % C];
}`;

export const scatterAddRowsWgsl = /* wgsl */ `
${bindings({ src: 'read', idx: 'read i32', out: 'rw' })}
${ROW_OF}
${perIndex(64, 'c', 'C', 'let M = pu(0u); let C = pu(1u); let N = pu(2u);')}
  for (var n = 0u; n < N; n++) { out[n * C + c] = 0.0; }
  for (var m = 0u; m < M; m++) {
    let row = rowOf(m);
    if (row >= 0 && u32(row) < N) { out[u32(row) * C + c] += src[m * C + c]; }
  }
}`;

export const SCATTER_VEC4_LANES = 8;

export const scatterAddRowsVec4Wgsl = /* wgsl */ `
${bindings({ src: 'read vec4<f32>', idx: 'read i32', out: 'rw vec4<f32>' })}
${ROW_OF}
@compute @workgroup_size(${SCATTER_VEC4_LANES})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = pu(0u); let C4 = pu(1u) / 4u; let N = pu(2u); let stripes = pu(4u);
  let c = gid.x;
  if (c >= C4) { return; }
  let n0 = (N * gid.y) / stripes;
  let n1 = (N * (gid.y + 1u)) / stripes;
  for (var n = n0; n < n1; n++) { out[n * C4 + c] = vec4<f32>(0.0); }
  for (var m = 0u; m < M; m++) {
    let row = rowOf(m);
    if (row >= i32(n0) && row < i32(n1)) { out[u32(row) * C4 + c] += src[m * C4 + c]; }
  }
}`;
