/**
 * Subgroup-shared matmul for software adapters whose subgroups hold at least 8 lanes (lavapipe:
 * exactly 8, one AVX2 vector). A workgroup is 8 invocations, hence one subgroup. Together they own
 * a block of `rows` rows × 32 columns of C; lane l owns columns 4l..4l+3 of it.
 *
 * Why it is fast there: lavapipe turns every per-lane storage read into a scalar loop, so the
 * plain register kernel spends its time loading the same A values into all 8 lanes. Here each
 * slice of K is loaded once across the subgroup (every lane fetches a different vec4 of the
 * rows × kSlice block of A) and shared with `subgroupBroadcast` from constant lanes, which is
 * cheap. Only B's columns are loaded per lane. Measured at 1024² on the 2-core machine:
 * 21–25 GFLOP/s against 7–8 for the register kernel.
 *
 * Operands must be contiguous in multiples of 4 (vec4 loads), as for `matmulVec4Wgsl`: A along K
 * (`aAlongK`, K % 4 = 0) or along M (Aᵀ, M % 4 = 0); B along N (`bAlongN`, N % 4 = 0) or along K
 * (Bᵀ, K % 4 = 0). Rows of A along M and of B along N are masked one by one past kEnd, so the
 * grouped kernels can run K over any row range.
 * Uniforms as in matmul.wgsl.ts (strides in floats).
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { epilogueBinding, epilogueValue } from './matmul.wgsl.js';
import { SUBGROUP_LANES } from '../variants.js';

/**
 * A subgroup owns `rows` × `cols` of C (cols = 8 lanes × 4) and steps K by `kSlice`. Measured at
 * 1024² here: 16 rows × slices of 4 gave 21–25 GFLOP/s, 8 × 8 gave 14–15, 8 × 4 14–17, 32 × 4 18.
 * The dense matmul also has a 32-row form (`TALL_SUBGROUP_ROWS`) for the autotuner: on lavapipe it
 * was 10–25% faster on some of the model's small products (64×64 Gram matrices over K = 256,
 * 512×1024 over K = 64) and slower on others, so the tuner picks per shape class.
 */
export const SUBGROUP_BLOCK = { rows: 16, cols: 4 * SUBGROUP_LANES, lanes: SUBGROUP_LANES, kSlice: 4 } as const;
export const TALL_SUBGROUP_ROWS = 32;

const { rows: ROWS, lanes: LANES, kSlice: KS } = SUBGROUP_BLOCK;
/** vec4s of a `rows` × kSlice A block per lane. */
const aLoads = (rows: number): number => (rows * KS) / 4 / LANES;

/**
 * Statements loading this lane's share of the slice's A block into `a0..`, zeros at k ≥ kEnd (and,
 * with `rowOk`, in rows whose `ok<p>` is false). The block's vec4 q = 8p + lane is, along K, row
 * q / (kSlice/4) at k offset 4·(q % (kSlice/4)); along M, k offset q / (rows/4) and rows
 * 4·(q % (rows/4)) .. +3 (M % 4 = 0, so a quad is all in or all out).
 */
function loadA(aAlongK: boolean, rowOk: boolean, rows: number): string {
  const lines: string[] = [];
  for (let p = 0; p < aLoads(rows); p++) {
    const q = `(${p}u * ${LANES}u + lane)`;
    lines.push(
      aAlongK
        ? `let ka${p} = k + (${q} % ${KS / 4}u) * 4u;
    let a${p} = select(vec4<f32>(0.0), A[(aBase + min(m0 + ${q} / ${KS / 4}u, M - 1u) * sam + ka${p}) / 4u], ka${p} < kEnd${rowOk ? ` && ok${p}` : ''});`
        : `let ka${p} = k + ${q} / ${rows / 4}u;
    let a${p} = select(vec4<f32>(0.0), A[(aBase + ka${p} * sak + min(m0 + (${q} % ${rows / 4}u) * 4u, M - 4u)) / 4u], ka${p} < kEnd);`,
    );
  }
  return lines.join('\n    ');
}

/** The A row of vec4 q = 8p + lane along K (for the grouped kernels' row masks). */
export const aRowOfLoad = (p: number): string => `(${p}u * ${LANES}u + lane) / ${KS / 4}u`;

/** Statements accumulating the broadcast A block times this lane's B rows `b[0 .. kSlice-1]`. */
function accumulate(aAlongK: boolean, rows: number): string {
  const lines: string[] = [];
  const from = (q: number): string => `subgroupBroadcast(a${Math.floor(q / LANES)}, ${q % LANES}u)`;
  if (aAlongK) {
    for (let r = 0; r < rows; r++) {
      for (let h = 0; h < KS / 4; h++) {
        const av = `av${r}_${h}`;
        lines.push(`let ${av} = ${from(r * (KS / 4) + h)};`);
        lines.push(`acc[${r}] += ${av}.x * b[${4 * h}] + ${av}.y * b[${4 * h + 1}] + ${av}.z * b[${4 * h + 2}] + ${av}.w * b[${4 * h + 3}];`);
      }
    }
  } else {
    for (let kk = 0; kk < KS; kk++) {
      for (let g = 0; g < rows / 4; g++) {
        const av = `av${kk}_${g}`;
        lines.push(`let ${av} = ${from(kk * (rows / 4) + g)};`);
        for (let i = 0; i < 4; i++) lines.push(`acc[${4 * g + i}] += ${av}[${i}] * b[${kk}];`);
      }
    }
  }
  return lines.join('\n    ');
}

/** B rows b[kk] = B(k + kk, n0 .. n0 + 3), zeros at k ≥ kEnd (along K: whole vec4s, K % 4 = 0). */
function loadB(bAlongN: boolean): string {
  return bAlongN
    ? `let nc = min(n0, N - 4u);
    for (var kk = 0u; kk < ${KS}u; kk++) {
      b[kk] = select(vec4<f32>(0.0), B[(bBase + min(k + kk, kEnd - 1u) * sbk + nc) / 4u], k + kk < kEnd);
    }`
    : `var bt: array<array<vec4<f32>, ${KS / 4}>, 4>; // bt[j][h] = B(k + 4h .. k + 4h + 3, n0 + j)
    for (var j = 0u; j < 4u; j++) {
      for (var h = 0u; h < ${KS / 4}u; h++) {
        bt[j][h] = select(vec4<f32>(0.0), B[(bBase + min(n0 + j, N - 1u) * sbn + k + 4u * h) / 4u], k + 4u * h < kEnd);
      }
    }
    for (var kk = 0u; kk < ${KS}u; kk++) {
      let h = kk / 4u; let c = kk % 4u;
      b[kk] = vec4<f32>(bt[0][h][c], bt[1][h][c], bt[2][h][c], bt[3][h][c]);
    }`;
}

/** The k loop over slices of kSlice in [kBegin, kEnd), accumulating into `acc`. */
export function subgroupKLoop(aAlongK: boolean, bAlongN: boolean, rowOk = false, rows: number = ROWS): string {
  return `for (var k = kBegin; k < kEnd; k += ${KS}u) {
    ${loadA(aAlongK, rowOk, rows)}
    var b: array<vec4<f32>, ${KS}>;
    ${loadB(bAlongN)}
    ${accumulate(aAlongK, rows)}
  }`;
}

/**
 * Stores this lane's rows × 4 block of `acc` into C at row offset `cRow0` (rows m0.., columns n0..),
 * as α·acc + β·D in the epilogue form (see matmul.wgsl.ts). With `vec4Out` (N % 4 = 0, C and D bound
 * as vec4 arrays) each row is one 16-byte store: lavapipe turns every per-lane store into a loop
 * over the lanes, so four masked scalar stores per row cost four such loops. Timed alternately on
 * lavapipe (16 × 64×64·64×64 with D, 16 × 64×64·64×256 with D, 1024×64·64×256): 5–15% faster.
 */
export const subgroupStore = (epilogue = false, vec4Out = false, rows: number = ROWS): string =>
  vec4Out
    ? /* wgsl */ `
  if (n0 >= N) { return; }
  for (var i = 0u; i < ${rows}u; i++) {
    let m = m0 + i;
    if (m >= M) { break; }
    let at = ((cRow0 + m) * N + n0) / 4u;
    C[at] = ${epilogue ? 'pf(10u) * acc[i] + pf(11u) * D[at]' : 'acc[i]'};
  }`
    : /* wgsl */ `
  if (n0 >= N) { return; }
  for (var i = 0u; i < ${rows}u; i++) {
    let m = m0 + i;
    if (m >= M) { break; }
    let row = (cRow0 + m) * N;
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < N) { C[row + n0 + j] = ${epilogueValue(epilogue, 'row + n0 + j', 'acc[i][j]')}; }
    }
  }`;

/** The shared prologue: sizes, strides and this lane's block of `rows` rows. */
const subgroupPrologue = (rows: number): string => /* wgsl */ `
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let sam = pu(5u); let sak = pu(6u); let sbk = pu(8u); let sbn = pu(9u);
  let m0 = wid.y * ${rows}u;
  let n0 = wid.x * ${SUBGROUP_BLOCK.cols}u + lane * 4u;
  var acc: array<vec4<f32>, ${rows}>;`;

export const SUBGROUP_PROLOGUE = subgroupPrologue(ROWS);

export const SUBGROUP_ENTRY = `@compute @workgroup_size(${SUBGROUP_BLOCK.lanes})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(subgroup_invocation_id) lane: u32)`;

export const matmulSubgroupWgsl = (aAlongK: boolean, bAlongN: boolean, epilogue = false, vec4Out = false, rows: number = ROWS): string => /* wgsl */ `
enable subgroups;
${PARAMS_WGSL}
${storage(1, 'A', 'array<vec4<f32>>', 'read')}
${storage(2, 'B', 'array<vec4<f32>>', 'read')}
${storage(3, 'C', vec4Out ? 'array<vec4<f32>>' : 'array<f32>', 'read_write')}
${vec4Out && epilogue ? storage(4, 'D', 'array<vec4<f32>>', 'read') : epilogueBinding(epilogue)}
${SUBGROUP_ENTRY} {
  ${subgroupPrologue(rows)}
  let aBase = wid.z * pu(4u); let bBase = wid.z * pu(7u);
  let cRow0 = wid.z * M;
  let kBegin = 0u; let kEnd = K;
  // No early exit before the loop: every lane must take part in the broadcasts.
  ${subgroupKLoop(aAlongK, bAlongN, false, rows)}
  ${subgroupStore(epilogue, vec4Out, rows)}
}`;
