/**
 * Subgroup-shared matmul for software adapters whose subgroups hold at least 8 lanes (lavapipe:
 * exactly 8, one AVX2 vector). A workgroup is 8 invocations, hence one subgroup. Together they own
 * a block of `rows` rows × 32 columns of C; lane l owns columns 4l..4l+3 of it.
 *
 * Why it is fast there: lavapipe turns every per-lane storage read into a scalar loop, so the
 * plain register kernel spends its time loading the same A values into all 8 lanes. Here each
 * 8-wide slice of K is loaded once across the subgroup (every lane fetches a different vec4 of the
 * rows × 8 block of A) and shared with `subgroupBroadcast` from constant lanes, which is cheap.
 * Only B's columns are loaded per lane. Measured at 1024² on the 2-core machine: 15–17 GFLOP/s
 * against 7–8 for the register kernel.
 *
 * Operands must be contiguous in multiples of 4 (vec4 loads), as for `matmulVec4Wgsl`: A along K
 * (`aAlongK`, K % 4 = 0) or along M (Aᵀ, M % 4 = 0); B along N (`bAlongN`, N % 4 = 0) or along K
 * (Bᵀ, K % 4 = 0). K need not be a multiple of 8: the last slice's missing half reads as zeros.
 * Uniforms as in matmul.wgsl.ts (strides in floats).
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';

/** Rows of C per subgroup; columns are 32 (8 lanes × 4). 8 rows measured best of 4–32 here. */
export const SUBGROUP_BLOCK = { rows: 8, cols: 32, lanes: 8 } as const;

/** Statements loading this lane's share of the A block into `a0..`, zeros at k ≥ kEnd (and, with `rowOk`, in rows whose `ok<p>` is false). */
function loadA(aAlongK: boolean, rowOk: boolean): string {
  const rows = SUBGROUP_BLOCK.rows;
  const lines: string[] = [];
  for (let p = 0; p < (2 * rows) / 8; p++) {
    // The block has 2·rows vec4s; vec4 q = 8p + lane.
    const q = `(${p}u * 8u + lane)`;
    lines.push(
      aAlongK
        ? // vec4 q: row q / 2, k offset 4·(q % 2)
          `let ka${p} = k + (${q} % 2u) * 4u;
    let a${p} = select(vec4<f32>(0.0), A[(aBase + min(m0 + ${q} / 2u, M - 1u) * sam + ka${p}) / 4u], ka${p} < kEnd${rowOk ? ` && ok${p}` : ''});`
        : // vec4 q: k offset q / (rows/4), rows 4·(q % (rows/4)) .. +3 (M % 4 = 0: a quad is all in or all out)
          `let ka${p} = k + ${q} / ${rows / 4}u;
    let a${p} = select(vec4<f32>(0.0), A[(aBase + ka${p} * sak + min(m0 + (${q} % ${rows / 4}u) * 4u, M - 4u)) / 4u], ka${p} < kEnd);`,
    );
  }
  return lines.join('\n    ');
}

/** Statements accumulating the broadcast A block times this lane's B rows `b[0..7]`. */
function accumulate(aAlongK: boolean): string {
  const rows = SUBGROUP_BLOCK.rows;
  const lines: string[] = [];
  const from = (q: number): string => `subgroupBroadcast(a${Math.floor(q / 8)}, ${q % 8}u)`;
  if (aAlongK) {
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < 2; h++) {
        const av = `av${r}_${h}`;
        lines.push(`let ${av} = ${from(2 * r + h)};`);
        lines.push(`acc[${r}] += ${av}.x * b[${4 * h}] + ${av}.y * b[${4 * h + 1}] + ${av}.z * b[${4 * h + 2}] + ${av}.w * b[${4 * h + 3}];`);
      }
    }
  } else {
    for (let kk = 0; kk < 8; kk++) {
      for (let g = 0; g < rows / 4; g++) {
        const av = `av${kk}_${g}`;
        lines.push(`let ${av} = ${from(kk * (rows / 4) + g)};`);
        for (let i = 0; i < 4; i++) lines.push(`acc[${4 * g + i}] += ${av}[${i}] * b[${kk}];`);
      }
    }
  }
  return lines.join('\n    ');
}

/** B rows b[kk] = B(k + kk, n0 .. n0 + 3), zeros at k ≥ kEnd. */
function loadB(bAlongN: boolean): string {
  return bAlongN
    ? `let nc = min(n0, N - 4u);
    for (var kk = 0u; kk < 8u; kk++) {
      b[kk] = select(vec4<f32>(0.0), B[(bBase + min(k + kk, kEnd - 1u) * sbk + nc) / 4u], k + kk < kEnd);
    }`
    : `var bt: array<array<vec4<f32>, 2>, 4>; // bt[j][h] = B(k + 4h .. k + 4h + 3, n0 + j)
    for (var j = 0u; j < 4u; j++) {
      for (var h = 0u; h < 2u; h++) {
        bt[j][h] = select(vec4<f32>(0.0), B[(bBase + min(n0 + j, N - 1u) * sbn + k + 4u * h) / 4u], k + 4u * h < kEnd);
      }
    }
    for (var kk = 0u; kk < 8u; kk++) {
      let h = kk / 4u; let c = kk % 4u;
      b[kk] = vec4<f32>(bt[0][h][c], bt[1][h][c], bt[2][h][c], bt[3][h][c]);
    }`;
}

/** The k loop over 8-wide slices [kBegin, kEnd), accumulating into `acc`. */
export function subgroupKLoop(aAlongK: boolean, bAlongN: boolean, rowOk = false): string {
  return `for (var k = kBegin; k < kEnd; k += 8u) {
    ${loadA(aAlongK, rowOk)}
    var b: array<vec4<f32>, 8>;
    ${loadB(bAlongN)}
    ${accumulate(aAlongK)}
  }`;
}

/** Stores this lane's rows × 4 block of `acc` into C at row offset `cRow0` (rows m0.., columns n0..). */
export const SUBGROUP_STORE = /* wgsl */ `
  if (n0 >= N) { return; }
  for (var i = 0u; i < ${SUBGROUP_BLOCK.rows}u; i++) {
    let m = m0 + i;
    if (m >= M) { break; }
    let row = (cRow0 + m) * N;
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < N) { C[row + n0 + j] = acc[i][j]; }
    }
  }`;

/** The shared prologue: sizes, strides and this lane's block. */
export const SUBGROUP_PROLOGUE = /* wgsl */ `
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let sam = pu(5u); let sak = pu(6u); let sbk = pu(8u); let sbn = pu(9u);
  let m0 = wid.y * ${SUBGROUP_BLOCK.rows}u;
  let n0 = wid.x * ${SUBGROUP_BLOCK.cols}u + lane * 4u;
  var acc: array<vec4<f32>, ${SUBGROUP_BLOCK.rows}>;`;

export const SUBGROUP_ENTRY = `@compute @workgroup_size(${SUBGROUP_BLOCK.lanes})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32)`;

export const matmulSubgroupWgsl = (aAlongK: boolean, bAlongN: boolean): string => /* wgsl */ `
enable subgroups;
${PARAMS_WGSL}
${storage(1, 'A', 'array<vec4<f32>>', 'read')}
${storage(2, 'B', 'array<vec4<f32>>', 'read')}
${storage(3, 'C', 'array<f32>', 'read_write')}
${SUBGROUP_ENTRY} {
  ${SUBGROUP_PROLOGUE}
  let aBase = wid.z * pu(4u); let bBase = wid.z * pu(7u);
  let cRow0 = wid.z * M;
  let kBegin = 0u; let kEnd = K;
  // No early exit before the loop: every lane must take part in the broadcasts.
  ${subgroupKLoop(aAlongK, bAlongN)}
  ${SUBGROUP_STORE}
}`;
