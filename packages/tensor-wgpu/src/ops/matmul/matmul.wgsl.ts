/**
 * Batched matmul C[b] = op(A[b]) · op(B[b]), f32 accumulation. Operands are read through strides,
 * so transposes (Aᵀ·B, A·Bᵀ) and broadcast batches (stride 0) cost nothing extra.
 * Uniforms: [0] M, [1] N, [2] K, [3] batch, [4..6] A strides (batch, m, k), [7..9] B strides
 * (batch, k, n). C is contiguous (batch, M, N).
 *
 * Kernel families, picked per adapter in matmul.ts (each tested against the reference):
 * - `matmulRegisterWgsl` / `matmulVec4Wgsl` (software adapters without usable subgroups, and any
 *   shape the vec4 kernels cannot take): every invocation owns a 4×4 block in registers and reads
 *   operands straight from storage. No workgroup memory, no barriers: lavapipe runs a workgroup as
 *   SIMD lanes and a barrier as a coroutine switch, which costs more than the reuse.
 * - `matmulSubgroupWgsl` (matmul-subgroup.wgsl.ts; software adapters with 8-lane subgroups): the
 *   same idea with A shared across a subgroup by broadcast, about twice as fast on lavapipe.
 * - `matmulTiledWgsl` (real GPUs): 64×64 tiles staged in workgroup memory, 16×16 invocations each
 *   computing 4×4 outputs, K in steps of 16.
 *
 * Every family has an `epilogue` form: C = α·op(A)·op(B) + β·D with D (binding 4) shaped like C
 * and α, β in uniforms [10], [11] — one pass instead of a matmul and an elementwise kernel
 * (Newton–Schulz's aX + BX).
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';

/** The D binding of the epilogue form (nothing otherwise). */
export const epilogueBinding = (epilogue: boolean): string => (epilogue ? storage(4, 'D', 'array<f32>', 'read') : '');

/** The value stored at C[index]: the accumulator, or α·acc + β·D[index] in the epilogue form. */
export const epilogueValue = (epilogue: boolean, index: string, acc: string): string => (epilogue ? `pf(10u) * ${acc} + pf(11u) * D[${index}]` : acc);

const header = (epilogue: boolean): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'A', 'array<f32>', 'read')}
${storage(2, 'B', 'array<f32>', 'read')}
${storage(3, 'C', 'array<f32>', 'read_write')}
${epilogueBinding(epilogue)}
`;

export const REGISTER_BLOCK = { wgX: 8, wgY: 8, tile: 4 } as const;

export const matmulRegisterWgsl = (epilogue = false): string => /* wgsl */ `
${header(epilogue)}
@compute @workgroup_size(${REGISTER_BLOCK.wgX}, ${REGISTER_BLOCK.wgY})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= M || n0 >= N) { return; }
  let b = gid.z;
  let sam = pu(5u); let sak = pu(6u); let sbk = pu(8u); let sbn = pu(9u);
  // Rows/cols past the edge re-read the last valid one; their results are never stored.
  var aRow: vec4<u32>;
  var bCol: vec4<u32>;
  for (var i = 0u; i < 4u; i++) {
    aRow[i] = b * pu(4u) + min(m0 + i, M - 1u) * sam;
    bCol[i] = b * pu(7u) + min(n0 + i, N - 1u) * sbn;
  }
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var k = 0u; k < K; k++) {
    let ak = k * sak;
    let bk = k * sbk;
    let bv = vec4<f32>(B[bCol.x + bk], B[bCol.y + bk], B[bCol.z + bk], B[bCol.w + bk]);
    acc0 += A[aRow.x + ak] * bv; // term: row m0
    acc1 += A[aRow.y + ak] * bv;
    acc2 += A[aRow.z + ak] * bv;
    acc3 += A[aRow.w + ak] * bv;
  }
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + i;
    if (m >= M) { break; }
    let row = (b * M + m) * N;
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < N) { C[row + n0 + j] = ${epilogueValue(epilogue, 'row + n0 + j', 'accs[i][j]')}; }
    }
  }
}`;

export const TILED = { tile: 64, kTile: 16, threads: 16 } as const;

export const matmulTiledWgsl = (epilogue = false): string => /* wgsl */ `
${header(epilogue)}
var<workgroup> As: array<array<f32, 64>, 16>; // (kTile, tile of M)
var<workgroup> Bs: array<array<f32, 64>, 16>; // (kTile, tile of N)
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let b = wid.z;
  let aBase = b * pu(4u); let sam = pu(5u); let sak = pu(6u);
  let bBase = b * pu(7u); let sbk = pu(8u); let sbn = pu(9u);
  let tileM = wid.y * 64u;
  let tileN = wid.x * 64u;
  let lane = lid.y * 16u + lid.x;
  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < K; k0 += 16u) {
    // Each of the 256 invocations stages 4 elements of A's and of B's tile (zeros past the edges).
    for (var e = 0u; e < 4u; e++) {
      let idx = lane + e * 256u;
      let kk = idx / 64u;
      let mm = idx % 64u;
      let k = k0 + kk;
      let m = tileM + mm;
      let n = tileN + mm;
      As[kk][mm] = select(0.0, A[aBase + m * sam + k * sak], k < K && m < M);
      Bs[kk][mm] = select(0.0, B[bBase + k * sbk + n * sbn], k < K && n < N);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let bv = vec4<f32>(Bs[kk][lid.x * 4u], Bs[kk][lid.x * 4u + 1u], Bs[kk][lid.x * 4u + 2u], Bs[kk][lid.x * 4u + 3u]);
      for (var i = 0u; i < 4u; i++) { acc[i] += As[kk][lid.y * 4u + i] * bv; }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let m = tileM + lid.y * 4u + i;
    if (m >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = tileN + lid.x * 4u + j;
      if (n < N) { C[(b * M + m) * N + n] = ${epilogueValue(epilogue, '(b * M + m) * N + n', 'acc[i][j]')}; }
    }
  }
}`;

/**
 * Register-blocked matmul with vec4 operand loads (software adapters), for operands contiguous in
 * multiples of 4: `aAlongK` (A row-major, K % 4 = 0) or along m (Aᵀ, M % 4 = 0); `bAlongN`
 * (N % 4 = 0) or along k (Bᵀ, K % 4 = 0). Each invocation computes a 4×4 block, 4 k at a time:
 * 8 vec4 loads per 64 FMAs instead of 32 scalar gathers. Strides (uniforms as above) are in floats.
 */
/**
 * Rows of C per invocation in the vec4 kernel (a multiple of 4). Measured here (lavapipe, 2 cores):
 * 4 and 8 rows were within run-to-run noise of each other (1024²: 7.0–7.8 vs 6.4–6.7 GFLOP/s).
 */
export const VEC4_ROWS = 4;

export const matmulVec4Wgsl = (aAlongK: boolean, bAlongN: boolean, rows = VEC4_ROWS, epilogue = false): string => /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'A', 'array<vec4<f32>>', 'read')}
${storage(2, 'B', 'array<vec4<f32>>', 'read')}
${storage(3, 'C', 'array<f32>', 'read_write')}
${epilogueBinding(epilogue)}
@compute @workgroup_size(${REGISTER_BLOCK.wgX}, ${REGISTER_BLOCK.wgY})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let M = pu(0u); let N = pu(1u); let K = pu(2u);
  let m0 = gid.y * ${rows}u;
  let n0 = gid.x * 4u;
  if (m0 >= M || n0 >= N) { return; }
  let b = gid.z;
  let aBase = b * pu(4u); let sam = pu(5u); let sak = pu(6u);
  let bBase = b * pu(7u); let sbk = pu(8u); let sbn = pu(9u);
  var acc: array<vec4<f32>, ${rows}>;
  for (var k = 0u; k < K; k += 4u) {
    // A block a[i][kk] = A(m0 + i, k + kk)
    var a: array<vec4<f32>, ${rows}>;
    ${
      aAlongK
        ? `for (var i = 0u; i < ${rows}u; i++) { a[i] = A[(aBase + min(m0 + i, M - 1u) * sam + k) / 4u]; }`
        : `for (var h = 0u; h < ${rows / 4}u; h++) {
      var at: array<vec4<f32>, 4>;
      let mh = min(m0 + h * 4u, M - 4u); // M % 4 = 0: a whole vec4 of rows
      for (var kk = 0u; kk < 4u; kk++) { at[kk] = A[(aBase + (k + kk) * sak + mh) / 4u]; }
      for (var i = 0u; i < 4u; i++) { a[h * 4u + i] = vec4<f32>(at[0][i], at[1][i], at[2][i], at[3][i]); }
    }`
    }
    // B rows bk[kk] = B(k + kk, n0 .. n0 + 3)
    var bk: array<vec4<f32>, 4>;
    ${
      bAlongN
        ? 'for (var kk = 0u; kk < 4u; kk++) { bk[kk] = B[(bBase + (k + kk) * sbk + n0) / 4u]; }'
        : `var bt: array<vec4<f32>, 4>;
    for (var j = 0u; j < 4u; j++) { bt[j] = B[(bBase + min(n0 + j, N - 1u) * sbn + k) / 4u]; }
    for (var kk = 0u; kk < 4u; kk++) { bk[kk] = vec4<f32>(bt[0][kk], bt[1][kk], bt[2][kk], bt[3][kk]); }`
    }
    for (var i = 0u; i < ${rows}u; i++) {
      acc[i] += a[i].x * bk[0] + a[i].y * bk[1] + a[i].z * bk[2] + a[i].w * bk[3];
    }
  }
  for (var i = 0u; i < ${rows}u; i++) {
    let m = m0 + i;
    if (m >= M) { break; }
    let row = (b * M + m) * N;
    for (var j = 0u; j < 4u; j++) {
      if (n0 + j < N) { C[row + n0 + j] = ${epilogueValue(epilogue, 'row + n0 + j', 'acc[i][j]')}; }
    }
  }
}`;
