/**
 * Row gather/scatter by an i32 index list — embedding lookup and routing tokens to experts.
 *   gather:     out[m, c] = x[idx[m], c]                  (one invocation per element)
 *   scatterAdd: out[n, c] = Σ_{m: idx[m] = n} src[m, c]   (one invocation per column, looping
 *               over m in order: deterministic, no float atomics)
 * Indices outside [0, N) read zeros / are dropped. Uniforms: [0] M, [1] C, [2] N.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const gatherRowsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'idx', 'array<i32>', 'read')}
${storage(3, 'out', 'array<f32>', 'read_write')}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  let M = pu(0u); let C = pu(1u); let N = pu(2u);
  if (i >= M * C) { return; }
  let row = idx[i / C];
  if (row < 0 || u32(row) >= N) { out[i] = 0.0; return; }
  out[i] = xs[u32(row) * C + i % C];
}`;

export const scatterAddRowsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'src', 'array<f32>', 'read')}
${storage(2, 'idx', 'array<i32>', 'read')}
${storage(3, 'out', 'array<f32>', 'read_write')} // zeroed by the caller
${mainSignature(64)} {
  let c = ${linearIndex(64)};
  let M = pu(0u); let C = pu(1u); let N = pu(2u);
  if (c >= C) { return; }
  for (var m = 0u; m < M; m++) {
    let row = idx[m];
    if (row >= 0 && u32(row) < N) { out[u32(row) * C + c] += src[m * C + c]; }
  }
}`;
