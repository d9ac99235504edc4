/**
 * Top-k (k ≤ 8) over the last axis, one invocation per row: an insertion sort into k registers.
 * Ties keep the lower index first. Uniforms: [0] rows, [1] n, [2] k.
 * Backward (values only): dx is g written at the chosen positions, zeros elsewhere.
 */
import { bindings, perIndex } from '../wgsl.js';

export const MAX_K = 8;

/**
 * Statements leaving a row's k largest values in bestV[0..k) and their indices in bestI, descending,
 * ties to the lower index: an insertion sort over `valueOf('j')` for j in [0, n) (needs `n`, `k`).
 * The one definition of top-k order, shared by topk and the MoE router.
 */
export const topkInsertionWgsl = (valueOf: (j: string) => string): string => /* wgsl */ `
  var bestV: array<f32, ${MAX_K}>;
  var bestI: array<i32, ${MAX_K}>;
  for (var s = 0u; s < ${MAX_K}u; s++) { bestV[s] = -3.4028234663852886e38; bestI[s] = -1; }
  for (var j = 0u; j < n; j++) {
    let v = ${valueOf('j')};
    if (bestI[k - 1u] >= 0 && v <= bestV[k - 1u]) { continue; }
    var s = k - 1u;
    while (s > 0u && (bestI[s - 1u] < 0 || v > bestV[s - 1u])) {
      bestV[s] = bestV[s - 1u];
      bestI[s] = bestI[s - 1u];
      s--;
    }
    bestV[s] = v;
    bestI[s] = i32(j);
  }`;

export const topkWgsl = /* wgsl */ `
${bindings({ xs: 'read', values: 'rw', indices: 'rw i32' })}
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u); let k = pu(2u);')}
  ${topkInsertionWgsl((j) => `xs[r * n + ${j}]`)}
  for (var s = 0u; s < k; s++) {
    values[r * k + s] = bestV[s];
    indices[r * k + s] = bestI[s];
  }
}`;

export const topkBackwardWgsl = /* wgsl */ `
${bindings({ gs: 'read', indices: 'read i32', dx: 'rw' })} // dx: zeroed by the caller
${perIndex(64, 'r', 'pu(0u)', 'let n = pu(1u); let k = pu(2u);')}
  for (var s = 0u; s < k; s++) { dx[r * n + u32(indices[r * k + s])] += gs[r * k + s]; }
}`;
