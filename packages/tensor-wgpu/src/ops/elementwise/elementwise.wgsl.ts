/**
 * Elementwise kernels. Same-shape operands run as vec4 (four lanes per invocation; buffers are
 * padded to 16 bytes by the pool, so the tail vec4 may compute on padding, never read as data).
 * Broadcast operands run scalar with per-axis strides (rank ≤ 6; 0 stride on broadcast axes), on a
 * 3-D grid without index division when the collapsed walk has rank ≤ 3.
 * Expressions are written over an alias `T` (f32 or vec4<f32>) so one table serves both paths.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const MAX_RANK = 6;
const WG = 256;

/** y = f(x, p) over vec4s; uniforms: [0] n4 (vec4 count), [1] p. */
export const unaryWgsl = (expr: string): string => /* wgsl */ `
${PARAMS_WGSL}
alias T = vec4<f32>;
${storage(1, 'xs', 'array<vec4<f32>>', 'read')}
${storage(2, 'ys', 'array<vec4<f32>>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  let x = xs[i];
  let p = T(pf(1u));
  ys[i] = ${expr};
}`;

/** dx = g · f'(x, y, p) over vec4s; uniforms as unaryWgsl. */
export const unaryGradWgsl = (derivative: string): string => /* wgsl */ `
${PARAMS_WGSL}
alias T = vec4<f32>;
${storage(1, 'gs', 'array<vec4<f32>>', 'read')}
${storage(2, 'xs', 'array<vec4<f32>>', 'read')}
${storage(3, 'ys', 'array<vec4<f32>>', 'read')}
${storage(4, 'dx', 'array<vec4<f32>>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  let x = xs[i];
  let y = ys[i];
  let p = T(pf(1u));
  dx[i] = gs[i] * (${derivative});
}`;

const NAMES = ['a', 'b', 'c'];

/** out = f(a, b, c) for same-shape operands, vec4; uniforms: [0] n4. */
export const naryVec4Wgsl = (arity: number, expr: string): string => /* wgsl */ `
${PARAMS_WGSL}
alias T = vec4<f32>;
${NAMES.slice(0, arity).map((n, k) => storage(k + 1, `in_${n}`, 'array<vec4<f32>>', 'read')).join('\n')}
${storage(arity + 1, 'out', 'array<vec4<f32>>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  ${NAMES.slice(0, arity).map((n) => `let ${n} = in_${n}[i];`).join('\n  ')}
  out[i] = ${expr};
}`;

/**
 * out = f(a, b, c) with broadcasting, scalar lanes.
 * Uniforms: [0] n, [1..6] out dims (padded to rank 6 with leading 1s), then 6 strides per operand,
 * then the rank actually walked (the last dims; see collapseDims in elementwise.ts).
 */
export const naryBroadcastWgsl = (arity: number, expr: string): string => /* wgsl */ `
${PARAMS_WGSL}
alias T = f32;
${NAMES.slice(0, arity).map((n, k) => storage(k + 1, `in_${n}`, 'array<f32>', 'read')).join('\n')}
${storage(arity + 1, 'out', 'array<f32>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  var rem = i;
  var offsets = array<u32, 3>(0u, 0u, 0u);
  for (var d = ${MAX_RANK - 1}i; d >= ${MAX_RANK}i - i32(pu(${1 + MAX_RANK + arity * MAX_RANK}u)); d--) {
    let dim = pu(1u + u32(d));
    let coord = rem % dim;
    rem = rem / dim;
    for (var k = 0u; k < ${arity}u; k++) { offsets[k] += coord * pu(${1 + MAX_RANK}u + k * ${MAX_RANK}u + u32(d)); }
  }
  ${NAMES.slice(0, arity).map((n, k) => `let ${n} = in_${n}[offsets[${k}]];`).join('\n  ')}
  out[i] = ${expr};
}`;

/**
 * The same for a walk of rank ≤ 3 (after collapseDims), with no division at all: the grid is
 * (⌈d2 / 64⌉, d1, d0) over dims (d0, d1, d2) = uniforms [4..6], strides as above.
 */
export const GRID3_WG = 64;
export const naryGrid3Wgsl = (arity: number, expr: string): string => /* wgsl */ `
${PARAMS_WGSL}
alias T = f32;
${NAMES.slice(0, arity).map((n, k) => storage(k + 1, `in_${n}`, 'array<f32>', 'read')).join('\n')}
${storage(arity + 1, 'out', 'array<f32>', 'read_write')}
@compute @workgroup_size(${GRID3_WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let d1 = pu(5u); let d2 = pu(6u);
  if (gid.x >= d2) { return; }
  ${NAMES.slice(0, arity)
    .map((n, k) => {
      const st = (d: number): string => `pu(${1 + MAX_RANK + k * MAX_RANK + d}u)`;
      return `let ${n} = in_${n}[gid.z * ${st(3)} + gid.y * ${st(4)} + gid.x * ${st(5)}];`;
    })
    .join('\n  ')}
  out[(gid.z * d1 + gid.y) * d2 + gid.x] = ${expr};
}`;

/** Fills n4 vec4s with a constant; uniforms: [0] n4, [1] value (bits). */
export const fillWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'out', 'array<vec4<u32>>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  out[i] = vec4<u32>(pu(1u));
}`;

/** dst += src over vec4s (gradient accumulation); uniforms: [0] n4. */
export const addInPlaceWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'src', 'array<vec4<f32>>', 'read')}
${storage(2, 'dst', 'array<vec4<f32>>', 'read_write')}
${mainSignature(WG)} {
  let i = ${linearIndex(WG)};
  if (i >= pu(0u)) { return; }
  dst[i] = dst[i] + src[i];
}`;
