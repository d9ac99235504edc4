/**
 * Mixture-of-experts dispatch without CPU readback.
 * - route: a stable counting sort of the N·k (token, choice) slots by expert, in ONE workgroup of
 *   E invocations (E ≤ 64): counts → offsets (exclusive prefix) → each expert lists its slots in
 *   order. Outputs: order (slot ids sorted by expert), rowExpert (expert of each sorted row),
 *   offsets (E + 1), fraction f_e = count_e / (N·k), position (the sorted row of each slot: the
 *   inverse of order).
 *   Uniforms: [0] slots (N·k), [1] E.
 * - grouped matmul: Y[r] = X[r] · W[e(r)]ᵀ for sorted rows r, W (E, out, in): every row meets only
 *   its own expert's weights, so experts compute only the tokens routed to them.
 *   forward: one invocation per (row, 4 output columns); dX[r] = dY[r] · W[e(r)] likewise;
 *   dW[e] = Σ_{r ∈ e} dY[r]ᵀ X[r]: one invocation per weight element, looping over e's rows
 *   (deterministic, no atomics). Uniforms: [0] rows R, [1] out, [2] in, [3] E.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const MAX_EXPERTS = 64;

export const routeWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'choice', 'array<i32>', 'read')}       // (N·k) expert of each slot
${storage(2, 'order', 'array<i32>', 'read_write')}   // (N·k) slot ids sorted by expert
${storage(3, 'rowExpert', 'array<i32>', 'read_write')} // (N·k)
${storage(4, 'offsets', 'array<i32>', 'read_write')} // (E + 1)
${storage(5, 'fraction', 'array<f32>', 'read_write')} // (E)
${storage(6, 'position', 'array<i32>', 'read_write')} // (N·k) sorted row of each slot
var<workgroup> counts: array<u32, ${MAX_EXPERTS}>;
var<workgroup> starts: array<u32, ${MAX_EXPERTS + 1}>;
@compute @workgroup_size(${MAX_EXPERTS})
fn main(@builtin(local_invocation_index) e: u32) {
  let slots = pu(0u); let E = pu(1u);
  var c = 0u;
  if (e < E) { for (var s = 0u; s < slots; s++) { if (u32(choice[s]) == e) { c++; } } }
  counts[e] = c;
  workgroupBarrier();
  if (e == 0u) {
    starts[0] = 0u;
    for (var j = 0u; j < E; j++) { starts[j + 1u] = starts[j] + counts[j]; }
    for (var j = 0u; j <= E; j++) { offsets[j] = i32(starts[j]); }
  }
  workgroupBarrier();
  if (e < E) {
    fraction[e] = f32(counts[e]) / f32(max(slots, 1u));
    var at = starts[e];
    for (var s = 0u; s < slots; s++) {
      if (u32(choice[s]) == e) { order[at] = i32(s); rowExpert[at] = i32(e); position[s] = i32(at); at++; }
    }
  }
}`;

export const groupedMatmulWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'X', 'array<f32>', 'read')}          // (R, in)
${storage(2, 'W', 'array<f32>', 'read')}          // (E, out, in)
${storage(3, 'rowExpert', 'array<i32>', 'read')}  // (R)
${storage(4, 'Y', 'array<f32>', 'read_write')}    // (R, out)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let R = pu(0u); let O = pu(1u); let I = pu(2u);
  let groups = (O + 3u) / 4u;
  if (t >= R * groups) { return; }
  let r = t / groups;
  let o0 = (t % groups) * 4u;
  let w0 = u32(rowExpert[r]) * O * I;
  var acc = vec4<f32>(0.0);
  for (var i = 0u; i < I; i++) {
    let x = X[r * I + i];
    for (var j = 0u; j < 4u; j++) {
      let o = min(o0 + j, O - 1u);
      acc[j] += x * W[w0 + o * I + i];
    }
  }
  for (var j = 0u; j < 4u; j++) { if (o0 + j < O) { Y[r * O + o0 + j] = acc[j]; } }
}`;

export const groupedMatmulInputGradWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'dY', 'array<f32>', 'read')}         // (R, out)
${storage(2, 'W', 'array<f32>', 'read')}          // (E, out, in)
${storage(3, 'rowExpert', 'array<i32>', 'read')}  // (R)
${storage(4, 'dX', 'array<f32>', 'read_write')}   // (R, in)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let R = pu(0u); let O = pu(1u); let I = pu(2u);
  if (t >= R * I) { return; }
  let r = t / I;
  let i = t % I;
  let w0 = u32(rowExpert[r]) * O * I;
  var acc = 0.0;
  for (var o = 0u; o < O; o++) { acc += dY[r * O + o] * W[w0 + o * I + i]; }
  dX[t] = acc;
}`;

export const groupedMatmulWeightGradWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'dY', 'array<f32>', 'read')}         // (R, out)
${storage(2, 'X', 'array<f32>', 'read')}          // (R, in)
${storage(3, 'offsets', 'array<i32>', 'read')}    // (E + 1)
${storage(4, 'dW', 'array<f32>', 'read_write')}   // (E, out, in)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let O = pu(1u); let I = pu(2u); let E = pu(3u);
  if (t >= E * O * I) { return; }
  let e = t / (O * I);
  let o = (t / I) % O;
  let i = t % I;
  var acc = 0.0;
  for (var r = u32(offsets[e]); r < u32(offsets[e + 1u]); r++) { acc += dY[r * O + o] * X[r * I + i]; }
  dW[t] = acc;
}`;

/**
 * vec4 variants for `in` % 4 = 0 (and `out` % 4 = 0 where noted): rows of X, W, dY are contiguous
 * along the inner dim, so each invocation reads vec4s — on lavapipe every scalar storage read is a
 * gather, so this is the difference that matters. Same uniforms and bindings as the scalar kernels.
 */
export const groupedMatmulVec4Wgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'X', 'array<vec4<f32>>', 'read')}    // (R, in/4)
${storage(2, 'W', 'array<vec4<f32>>', 'read')}    // (E, out, in/4)
${storage(3, 'rowExpert', 'array<i32>', 'read')}  // (R)
${storage(4, 'Y', 'array<f32>', 'read_write')}    // (R, out)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let R = pu(0u); let O = pu(1u); let I4 = pu(2u) / 4u;
  let groups = (O + 3u) / 4u;
  if (t >= R * groups) { return; }
  let r = t / groups;
  let o0 = (t % groups) * 4u;
  let w0 = u32(rowExpert[r]) * O * I4;
  var rowsW: vec4<u32>;
  for (var j = 0u; j < 4u; j++) { rowsW[j] = w0 + min(o0 + j, O - 1u) * I4; }
  var acc = vec4<f32>(0.0);
  for (var i = 0u; i < I4; i++) {
    let x = X[r * I4 + i];
    acc += vec4<f32>(dot(x, W[rowsW.x + i]), dot(x, W[rowsW.y + i]), dot(x, W[rowsW.z + i]), dot(x, W[rowsW.w + i]));
  }
  for (var j = 0u; j < 4u; j++) { if (o0 + j < O) { Y[r * O + o0 + j] = acc[j]; } }
}`;

export const groupedMatmulInputGradVec4Wgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'dY', 'array<f32>', 'read')}              // (R, out)
${storage(2, 'W', 'array<vec4<f32>>', 'read')}         // (E, out, in/4)
${storage(3, 'rowExpert', 'array<i32>', 'read')}       // (R)
${storage(4, 'dX', 'array<vec4<f32>>', 'read_write')}  // (R, in/4)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let R = pu(0u); let O = pu(1u); let I4 = pu(2u) / 4u;
  if (t >= R * I4) { return; }
  let r = t / I4;
  let i = t % I4;
  let w0 = u32(rowExpert[r]) * O * I4;
  var acc = vec4<f32>(0.0);
  for (var o = 0u; o < O; o++) { acc += dY[r * O + o] * W[w0 + o * I4 + i]; }
  dX[t] = acc;
}`;

export const groupedMatmulWeightGradVec4Wgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'dY', 'array<f32>', 'read')}              // (R, out)
${storage(2, 'X', 'array<vec4<f32>>', 'read')}         // (R, in/4)
${storage(3, 'offsets', 'array<i32>', 'read')}         // (E + 1)
${storage(4, 'dW', 'array<vec4<f32>>', 'read_write')}  // (E, out, in/4)
${mainSignature(64)} {
  let t = ${linearIndex(64)};
  let O = pu(1u); let I4 = pu(2u) / 4u; let E = pu(3u);
  if (t >= E * O * I4) { return; }
  let e = t / (O * I4);
  let o = (t / I4) % O;
  let i = t % I4;
  var acc = vec4<f32>(0.0);
  for (var r = u32(offsets[e]); r < u32(offsets[e + 1u]); r++) { acc += dY[r * O + o] * X[r * I4 + i]; }
  dW[t] = acc;
}`;
