/**
 * addIdentity: y = x + α·I for each square matrix of x (..., k, k), one invocation per element.
 * Newton–Schulz's Gram-space iteration starts from P = I and needs aI + B. Uniforms: [0] size,
 * [1] k, [2] α.
 */
import { bindings, perIndex } from '../wgsl.js';

export const addIdentityWgsl = /* wgsl */ `
${bindings({ xs: 'read', ys: 'rw' })}
${perIndex(256, 'i', 'pu(0u)')}
  let k = pu(1u);
  ys[i] = xs[i] + select(0.0, pf(2u), (i / k) % k == i % k);
}`;
