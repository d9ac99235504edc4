/**
 * Frobenius normalisation of each matrix of a stack: Y_i = X_i / (‖X_i‖_F·scale + eps), the first
 * step of Newton–Schulz. One workgroup per matrix: each invocation sums the squares of a strided
 * share (vec4s where the matrix size allows), a tree reduction in workgroup memory gives ‖X_i‖²,
 * then every invocation scales its share. One kernel instead of square, two sums, sqrt, scale, add
 * and divide.
 * Uniforms: [0] elements per matrix in units of `vec` (1 or 4), [1] scale (f32), [2] eps (f32).
 */
import { bindings } from '../wgsl.js';

export const NORMALIZE_THREADS = 64;

export const normalizeMatricesWgsl = (vec: 1 | 4): string => {
  const T = vec === 4 ? 'vec4<f32>' : 'f32';
  return /* wgsl */ `
${bindings({ X: `read ${T}`, Y: `rw ${T}` })}
var<workgroup> part: array<f32, ${NORMALIZE_THREADS}>;
@compute @workgroup_size(${NORMALIZE_THREADS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let len = pu(0u);
  let base = wid.x * len; // matrix wid.x
  var s = 0.0;
  for (var i = lid; i < len; i += ${NORMALIZE_THREADS}u) {
    let v = X[base + i];
    s += ${vec === 4 ? 'dot(v, v)' : 'v * v'}; // term: Σ x²
  }
  part[lid] = s;
  workgroupBarrier();
  for (var w = ${NORMALIZE_THREADS / 2}u; w > 0u; w = w / 2u) {
    if (lid < w) { part[lid] += part[lid + w]; }
    workgroupBarrier();
  }
  let inv = 1.0 / (sqrt(part[0]) * pf(1u) + pf(2u)); // final scale 1 / (‖X‖·scale + eps)
  for (var i = lid; i < len; i += ${NORMALIZE_THREADS}u) {
    Y[base + i] = X[base + i] * inv;
  }
}`;
};
