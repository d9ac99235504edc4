/**
 * Clip by global norm: u ← u · min(1, maxNorm / (‖u‖ + 1e-6)) with ‖u‖ the L2 norm over ALL
 * updates together (PyTorch clip_grad_norm_). The norm and the factor stay on the GPU.
 */
import { broadcastTo, globalNorm, mapInPlace, Tensor } from '@optimlab/tensor-wgpu';
import { checkHyper, type GradientTransformation } from '../base.js';

export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  checkHyper('max norm', maxNorm, { min: 0, minInclusive: false });
  return {
    init: () => null,
    update: (updates) => {
      const norm = globalNorm(Object.values(updates)); // shape []
      const out: Record<string, Tensor> = {};
      for (const [name, u] of Object.entries(updates)) {
        const normB = broadcastTo(norm, u.shape); // the GPU scalar, broadcast (no readback)
        const next = new Tensor(u.shape);
        const body = 'out0 = in0 * min(T(1.0), s0 / (in1 + T(1e-6)));';
        mapInPlace({ name: 'clip-by-global-norm', body, inputs: [u, normB], outputs: [next], scalars: [maxNorm] });
        normB.dispose();
        out[name] = next;
      }
      norm.dispose();
      return out;
    },
  };
}
