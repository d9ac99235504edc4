/**
 * The model's parameters: names, shapes and the thesis init (N(0, 0.02) for linear and embedding
 * weights, 1 for norm weights). Linear weights are (out, in) as in PyTorch; each layer's experts
 * are stacked (E, out, in) so one grouped matmul serves them all (Muon orthogonalises each).
 */
import { ones, randNormal, type Shape, type Tensor } from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';

export type ParamShapes = Record<string, Shape>;

export function parameterShapes(c: MoEConfig): ParamShapes {
  const shapes: Record<string, Shape> = { 'embed.weight': [c.vocabSize, c.dModel] }; // tied with the LM head
  for (let i = 0; i < c.nLayers; i++) {
    const p = `blocks.${i}`;
    shapes[`${p}.norm1.weight`] = [c.dModel];
    shapes[`${p}.attn.qkv.weight`] = [3 * c.dModel, c.dModel];
    shapes[`${p}.attn.wo.weight`] = [c.dModel, c.dModel];
    shapes[`${p}.norm2.weight`] = [c.dModel];
    shapes[`${p}.moe.router.weight`] = [c.numExperts, c.dModel];
    shapes[`${p}.moe.experts.w1`] = [c.numExperts, c.dFF, c.dModel];
    shapes[`${p}.moe.experts.w2`] = [c.numExperts, c.dModel, c.dFF];
  }
  shapes['norm.weight'] = [c.dModel];
  return shapes;
}

/** Total parameters, and those outside the experts (the thesis README's "active" 28.4%). */
export function countParameters(c: MoEConfig): { total: number; nonExpert: number } {
  let total = 0;
  let experts = 0;
  for (const [name, shape] of Object.entries(parameterShapes(c))) {
    const n = shape.reduce((a, b) => a * b, 1);
    total += n;
    if (name.includes('.experts.')) experts += n;
  }
  return { total, nonExpert: total - experts };
}

/** Fresh parameters (kept: they outlive every scope), reproducible from `seed`. */
export function initParams(c: MoEConfig, seed: number): Record<string, Tensor> {
  const params: Record<string, Tensor> = {};
  Object.entries(parameterShapes(c)).forEach(([name, shape], stream) => {
    params[name] = (name.endsWith('norm1.weight') || name.endsWith('norm2.weight') || name === 'norm.weight'
      ? ones(shape)
      : randNormal(shape, { seed, stream, std: c.initStd })
    ).keep();
  });
  return params;
}
