/**
 * addIdentity: y = x + α·I for each square matrix of x (..., k, k), one invocation per element.
 * Newton–Schulz's Gram-space iteration starts from P = I and needs aI + B. Uniforms: [0] size,
 * [1] k, [2] α.
 */
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const addIdentityWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'ys', 'array<f32>', 'read_write')}
${mainSignature(256)} {
  let i = ${linearIndex(256)};
  if (i >= pu(0u)) { return; }
  let k = pu(1u);
  ys[i] = xs[i] + select(0.0, pf(2u), (i / k) % k == i % k);
}`;
