/**
 * Fused causal attention for software adapters with subgroups of ≥ 8 lanes (the same maths as
 * attention.wgsl.ts; see there). A workgroup is one 8-lane subgroup owning 8 consecutive queries
 * (forward, dq) or keys (dk, dv) of one head. The rows every lane meets — K and V rows in the
 * forward and dq, Q and dO rows in dk/dv — are loaded once across the subgroup, one vec4 per lane,
 * and shared by `subgroupBroadcast`; the causal mask is applied per lane. Each kernel is generated
 * for one head dim D (a multiple of 4), so the per-row vectors live in registers.
 * Grid: (⌈T / 8⌉, B·H). Uniforms: [0] BH, [1] T, [2] D, [3] scale, [4] H (o and dO with heads
 * merged, see attention.wgsl.ts). Arrays are read as vec4s.
 */
import { bindings } from '../wgsl.js';
import { OUT_ROW_WGSL } from './attention.wgsl.js';

const LANES = 8;
/** log(0) for the mask: exp(MASKED − m) is 0 for any finite running max m. */
const MASKED = '-3.4028234663852886e38';

/** Per-lane registers `name0 .. name{DV-1}`: declarations and unrolled statements over c. */
const each = (dv: number, fn: (c: number) => string): string => Array.from({ length: dv }, (_, c) => fn(c)).join('\n  ');

/** Loads row `row` (a vec4 offset) across the lanes into `<name>L0..` (one vec4 per lane per 8). */
const shareRow = (name: string, from: string, row: string, dv: number): string =>
  Array.from({ length: Math.ceil(dv / LANES) }, (_, p) => `let ${name}L${p} = ${from}[${row} + min(lane + ${p * LANES}u, ${dv - 1}u)];`).join('\n    ');

/** Element c of a row shared by `shareRow`. */
const shared = (name: string, c: number): string => `subgroupBroadcast(${name}L${Math.floor(c / LANES)}, ${c % LANES}u)`;

const header = (buffers: Record<string, string>): string => `
enable subgroups;
${bindings(buffers)}
${OUT_ROW_WGSL}
@compute @workgroup_size(${LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32) {
  let T = pu(1u); let scale = pf(3u);
  let head = wid.y * T;                // first row of this head
  let r0 = wid.x * ${LANES}u;          // first of this subgroup's rows (query i or key j)
  let mine = r0 + lane;
  let rowC = head + min(mine, T - 1u); // clamped: lanes past T compute a copy and store nothing
  let oRow = outRow(wid.y, min(mine, T - 1u), T); // rowC's row of o and dO`;

export function attentionForwardSubgroupWgsl(D: number): string {
  const dv = D / 4;
  return /* wgsl */ `${header({ Q: 'read vec4<f32>', K: 'read vec4<f32>', V: 'read vec4<f32>', O: 'rw vec4<f32>', lse: 'rw' })}
  ${each(dv, (c) => `let q${c} = Q[rowC * ${dv}u + ${c}u] * scale;`)}
  ${each(dv, (c) => `var o${c} = vec4<f32>(0.0);`)}
  var m = ${MASKED};
  var l = 0.0;
  let jEnd = min(r0 + ${LANES}u, T);
  for (var j = 0u; j < jEnd; j++) {
    ${shareRow('k', 'K', `(head + j) * ${dv}u`, dv)}
    ${shareRow('v', 'V', `(head + j) * ${dv}u`, dv)}
    var s = 0.0;
    ${each(dv, (c) => `s += dot(q${c}, ${shared('k', c)});`)}
    s = select(s, ${MASKED}, j > mine);
    let mNew = max(m, s);
    let correction = exp(m - mNew);
    let p = exp(s - mNew);
    l = l * correction + p;
    ${each(dv, (c) => `o${c} = o${c} * correction + p * ${shared('v', c)};`)}
    m = mNew;
  }
  if (mine >= T) { return; }
  ${each(dv, (c) => `O[oRow * ${dv}u + ${c}u] = o${c} / l;`)}
  lse[rowC] = m + log(l);
}`;
}

export function attentionBackwardQuerySubgroupWgsl(D: number): string {
  const dv = D / 4;
  return /* wgsl */ `${header({ Q: 'read vec4<f32>', K: 'read vec4<f32>', V: 'read vec4<f32>', O: 'read vec4<f32>', dO: 'read vec4<f32>', lse: 'read', delta: 'rw', dQ: 'rw vec4<f32>' })}
  ${each(dv, (c) => `let q${c} = Q[rowC * ${dv}u + ${c}u] * scale;`)}
  ${each(dv, (c) => `let g${c} = dO[oRow * ${dv}u + ${c}u];`)}
  ${each(dv, (c) => `var dq${c} = vec4<f32>(0.0);`)}
  var dlt = 0.0;
  ${each(dv, (c) => `dlt += dot(g${c}, O[oRow * ${dv}u + ${c}u]);`)}
  let l = lse[rowC];
  let jEnd = min(r0 + ${LANES}u, T);
  for (var j = 0u; j < jEnd; j++) {
    ${shareRow('k', 'K', `(head + j) * ${dv}u`, dv)}
    ${shareRow('v', 'V', `(head + j) * ${dv}u`, dv)}
    var s = 0.0; var dp = 0.0;
    ${each(dv, (c) => `s += dot(q${c}, ${shared('k', c)}); dp += dot(g${c}, ${shared('v', c)});`)}
    let ds = select(exp(s - l) * (dp - dlt), 0.0, j > mine);
    ${each(dv, (c) => `dq${c} += ds * ${shared('k', c)};`)}
  }
  if (mine >= T) { return; }
  delta[rowC] = dlt;
  ${each(dv, (c) => `dQ[rowC * ${dv}u + ${c}u] = dq${c} * scale;`)}
}`;
}

export function attentionBackwardKeyValueSubgroupWgsl(D: number): string {
  const dv = D / 4;
  return /* wgsl */ `${header({ Q: 'read vec4<f32>', K: 'read vec4<f32>', V: 'read vec4<f32>', dO: 'read vec4<f32>', lse: 'read', delta: 'read', dK: 'rw vec4<f32>', dV: 'rw vec4<f32>' })}
  ${each(dv, (c) => `let k${c} = K[rowC * ${dv}u + ${c}u];`)}
  ${each(dv, (c) => `let v${c} = V[rowC * ${dv}u + ${c}u];`)}
  ${each(dv, (c) => `var dk${c} = vec4<f32>(0.0);`)}
  ${each(dv, (c) => `var dv${c} = vec4<f32>(0.0);`)}
  for (var i = r0; i < T; i++) {
    ${shareRow('q', 'Q', `(head + i) * ${dv}u`, dv)}
    ${shareRow('g', 'dO', `outRow(wid.y, i, T) * ${dv}u`, dv)}
    var s = 0.0; var dp = 0.0;
    ${each(dv, (c) => `s += dot(${shared('q', c)}, k${c}); dp += dot(${shared('g', c)}, v${c});`)}
    let p = select(exp(s * scale - lse[head + i]), 0.0, i < mine);
    let ds = p * (dp - delta[head + i]);
    ${each(dv, (c) => `dv${c} += p * ${shared('g', c)}; dk${c} += ds * ${shared('q', c)};`)}
  }
  if (mine >= T) { return; }
  ${each(dv, (c) => `dK[rowC * ${dv}u + ${c}u] = dk${c} * scale;`)}
  ${each(dv, (c) => `dV[rowC * ${dv}u + ${c}u] = dv${c};`)}
}`;
}
