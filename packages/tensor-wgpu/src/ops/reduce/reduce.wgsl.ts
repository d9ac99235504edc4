/**
 * Reductions over one axis of a tensor viewed as (outer, n, inner).
 * - `reduceThreadWgsl`: one invocation per output, looping over n (short axes).
 * - `reduceGroupWgsl`: one workgroup of 64 per output, strided partial sums then a tree in
 *   workgroup memory (long axes, e.g. a full sum of a large tensor).
 * Uniforms: [0] outer, [1] n, [2] inner, [3] scale applied to the result (1/n for mean).
 */
import { bindings, perIndex, treeSum } from '../wgsl.js';

export type ReduceKind = 'sum' | 'max';
const INIT = { sum: '0.0', max: '-3.4028234663852886e38' } as const;
const COMBINE = { sum: (a: string, b: string) => `${a} + ${b}`, max: (a: string, b: string) => `max(${a}, ${b})` } as const;

export const reduceThreadWgsl = (kind: ReduceKind): string => /* wgsl */ `
${bindings({ xs: 'read', ys: 'rw' })}
${perIndex(64, 'o', 'outer * inner', 'let outer = pu(0u); let n = pu(1u); let inner = pu(2u);')}
  let base = (o / inner) * n * inner + o % inner;
  var acc = ${INIT[kind]};
  for (var j = 0u; j < n; j++) { acc = ${COMBINE[kind]('acc', 'xs[base + j * inner]')}; }
  ys[o] = acc * pf(3u);
}`;

export const reduceGroupWgsl = (kind: ReduceKind): string => /* wgsl */ `
${bindings({ xs: 'read', ys: 'rw' })}
var<workgroup> partial: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let o = wid.x + wid.y * nwg.x;
  let outer = pu(0u); let n = pu(1u); let inner = pu(2u);
  let valid = o < outer * inner;
  let base = (o / inner) * n * inner + o % inner;
  var acc = ${INIT[kind]};
  if (valid) {
    for (var j = lane; j < n; j += 64u) { acc = ${COMBINE[kind]('acc', 'xs[base + j * inner]')}; }
  }
  partial[lane] = acc;
  ${treeSum('partial', 'lane', 64, COMBINE[kind])}
  if (valid && lane == 0u) { ys[o] = partial[0] * pf(3u); }
}`;
