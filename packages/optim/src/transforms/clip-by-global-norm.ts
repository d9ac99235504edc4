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

/**
 * The same clipping applied to the gradients IN PLACE (before a step), so the optimizer keeps its
 * fused path: g ← g · min(1, maxNorm / (‖g‖ + 1e-6)), ‖g‖ over all gradients, on the GPU.
 */
export function clipGradientsInPlace(grads: Readonly<Record<string, Tensor>>, maxNorm: number): void {
  checkHyper('max norm', maxNorm, { min: 0, minInclusive: false });
  const norm = globalNorm(Object.values(grads));
  for (const g of Object.values(grads)) {
    const normB = broadcastTo(norm, g.shape);
    mapInPlace({ name: 'clip-in-place', body: 'out0 = out0 * min(T(1.0), s0 / (in0 + T(1e-6)));', inputs: [normB], outputs: [g], scalars: [maxNorm] });
    normB.dispose();
  }
  norm.dispose();
}
