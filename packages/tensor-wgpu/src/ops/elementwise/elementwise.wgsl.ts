/**
 * Elementwise kernels. Same-shape operands run as vec4 (four lanes per invocation; buffers are
 * padded to 16 bytes by the pool, so the tail vec4 may compute on padding, never read as data).
 * Broadcast operands run scalar with per-axis strides (rank ≤ 6; 0 stride on broadcast axes), on a
 * 3-D grid without index division when the collapsed walk has rank ≤ 3.
 * Expressions are written over an alias `T` (f32 or vec4<f32>) so one table serves both paths.
 */
import { bindings, perIndex } from '../wgsl.js';

export const MAX_RANK = 6;
const WG = 256;

/** y = f(x, p) over vec4s; uniforms: [0] n4 (vec4 count), [1] p. */
export const unaryWgsl = (expr: string): string => /* wgsl */ `
${bindings({ xs: 'read vec4<f32>', ys: 'rw vec4<f32>' })}
alias T = vec4<f32>;
${perIndex(WG, 'i', 'pu(0u)')}
  let x = xs[i];
  let p = T(pf(1u));
  ys[i] = ${expr};
}`;

/** dx = g · f'(x, y, p) over vec4s; uniforms as unaryWgsl. */
export const unaryGradWgsl = (derivative: string): string => /* wgsl */ `
${bindings({ gs: 'read vec4<f32>', xs: 'read vec4<f32>', ys: 'read vec4<f32>', dx: 'rw vec4<f32>' })}
alias T = vec4<f32>;
${perIndex(WG, 'i', 'pu(0u)')}
  let x = xs[i];
  let y = ys[i];
  let p = T(pf(1u));
  dx[i] = gs[i] * (${derivative});
}`;

const NAMES = ['a', 'b', 'c'];

/** The bindings of an n-ary kernel: in_a, in_b, in_c (as many as the arity), then out. */
const operands = (arity: number, element: string): string =>
  bindings({ ...Object.fromEntries(NAMES.slice(0, arity).map((n) => [`in_${n}`, `read ${element}`])), out: `rw ${element}` });

/** out = f(a, b, c) for same-shape operands, vec4; uniforms: [0] n4. */
export const naryVec4Wgsl = (arity: number, expr: string): string => /* wgsl */ `
${operands(arity, 'vec4<f32>')}
alias T = vec4<f32>;
${perIndex(WG, 'i', 'pu(0u)')}
  ${NAMES.slice(0, arity).map((n) => `let ${n} = in_${n}[i];`).join('\n  ')}
  out[i] = ${expr};
}`;

/**
 * out = f(a, b, c) with broadcasting, scalar lanes.
 * Uniforms: [0] n, [1..6] out dims (padded to rank 6 with leading 1s), then 6 strides per operand,
 * then the rank actually walked (the last dims; see collapseDims in elementwise.ts).
 */
export const naryBroadcastWgsl = (arity: number, expr: string): string => /* wgsl */ `
${operands(arity, 'f32')}
alias T = f32;
${perIndex(WG, 'i', 'pu(0u)')}
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
${operands(arity, 'f32')}
alias T = f32;
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
${bindings({ out: 'rw vec4<u32>' })}
${perIndex(WG, 'i', 'pu(0u)')}
  out[i] = vec4<u32>(pu(1u));
}`;

/** dst += src over vec4s (gradient accumulation); uniforms: [0] n4. */
export const addInPlaceWgsl = /* wgsl */ `
${bindings({ src: 'read vec4<f32>', dst: 'rw vec4<f32>' })}
${perIndex(WG, 'i', 'pu(0u)')}
  dst[i] = dst[i] + src[i];
}`;
