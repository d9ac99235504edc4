/**
 * The grouped matmul and its gradients on the subgroup-shared matmul (see
 * matmul/matmul-subgroup.wgsl.ts), for software adapters with subgroups of ≥ 8 lanes and
 * `in`, `out` in multiples of 4 (the vec4 loads).
 *
 * - forward Y = X · W[e]ᵀ and input gradient dX = dY · W[e] (`groupedByRowWgsl`): a block of
 *   sorted rows (SUBGROUP_BLOCK.rows) usually belongs to one expert; at an expert boundary the block is computed once per
 *   expert it holds, each pass zeroing the rows of the other experts. Rows must be sorted by
 *   expert, as `routeByExpert` gives them: the block's experts are taken as its first row's to its
 *   last row's.
 * - weight gradient dW[e] = dY[rows of e]ᵀ · X[rows of e] (`groupedBySegmentWgsl`): one batch entry
 *   per expert, K running over the expert's rows [offsets[e], offsets[e+1]).
 *
 * Uniforms are the dense matmul's: [0] M, [1] N, [2] K, [3] E, [4] A batch stride, [5..6] A
 * strides (m, k), [7] B stride per expert (by row) or per batch, [8..9] B strides (k, n).
 */
import { storage, PARAMS_WGSL } from '../wgsl.js';
import { SUBGROUP_BLOCK, SUBGROUP_ENTRY, SUBGROUP_PROLOGUE, subgroupStore, aRowOfLoad, subgroupKLoop } from '../matmul/matmul-subgroup.wgsl.js';

const bindings = (extra: string, vec4Out: boolean): string => `
enable subgroups;
${PARAMS_WGSL}
${storage(1, 'A', 'array<vec4<f32>>', 'read')}
${storage(2, 'B', 'array<vec4<f32>>', 'read')}
${storage(3, 'C', vec4Out ? 'array<vec4<f32>>' : 'array<f32>', 'read_write')}
${storage(4, extra, 'array<i32>', 'read')}`;

/**
 * A (rows, K) along K; B per expert, along N (`bAlongN`, dX) or along K (Wᵀ, forward). `vec4Out`:
 * C's rows in whole vec4s (N % 4 = 0; see subgroupStore).
 */
export const groupedByRowWgsl = (bAlongN: boolean, vec4Out: boolean): string => {
  // The rows this lane loads A from (see loadA in matmul-subgroup).
  const oks = Array.from(
    { length: (SUBGROUP_BLOCK.rows * SUBGROUP_BLOCK.kSlice) / 4 / SUBGROUP_BLOCK.lanes },
    (_, p) => `let ok${p} = u32(rowExpert[min(m0 + ${aRowOfLoad(p)}, M - 1u)]) == e;`,
  ).join('\n    ');
  return /* wgsl */ `
${bindings('rowExpert', vec4Out)}
${SUBGROUP_ENTRY} {
  ${SUBGROUP_PROLOGUE}
  let aBase = 0u; let cRow0 = 0u;
  let kBegin = 0u; let kEnd = K;
  let eFirst = u32(rowExpert[m0]);
  let eLast = u32(rowExpert[min(m0 + ${SUBGROUP_BLOCK.rows - 1}u, M - 1u)]);
  for (var e = eFirst; e <= eLast; e++) {
    let bBase = e * pu(7u);
    ${oks}
    ${subgroupKLoop(true, bAlongN, true)}
  }
  ${subgroupStore(false, vec4Out)}
}`;
};

/** dW[e] (out, in) = dYᵀ · X over e's rows: A = dYᵀ (along M), B = X (along N). */
export const groupedBySegmentWgsl = /* wgsl */ `
${bindings('offsets', true)}
${SUBGROUP_ENTRY} {
  ${SUBGROUP_PROLOGUE}
  let e = wid.z;
  let aBase = 0u; let bBase = 0u; let cRow0 = e * M;
  let kBegin = u32(offsets[e]); let kEnd = u32(offsets[e + 1u]);
  ${subgroupKLoop(false, true)}
  ${subgroupStore(false, true)}
}`;
