/**
 * The model's configuration: typed, every default commented, presets for the three scales, and
 * one validation that names the bad field and the fix. Matches the thesis CODE (configs/moe_config.py,
 * models/*.py) where it differs from the thesis text.
 */
import { z } from 'zod';
import { formatIssues, integer, real } from '@optimlab/optim';
import { KERNEL_LIMITS } from '@optimlab/tensor-wgpu';
import { InputError } from './errors.js';

/** An integer in [1, max]: every field has an upper bound a machine can run (the adapter check in fit.ts then decides what fits). */
const positiveInt = (description: string, max: number) => integer(description, { min: 1, max });

/** The model's fields, each with its range; the type below is inferred from it. */
export const moeConfigSchema = z.strictObject({
  vocabSize: positiveInt("tokenizer vocabulary size (49,152 for SmolLM's tokenizer, the thesis's)", 2 ** 20),
  dModel: positiveInt('residual width d', 16384),
  nHeads: positiveInt('attention heads; head dim = dModel / nHeads (48 in the thesis)', 1024),
  nLayers: positiveInt('transformer blocks', 1024),
  dFF: positiveInt("hidden width of each expert's SiLU MLP", 65536),
  numExperts: positiveInt('experts per MoE layer', 1024),
  topK: positiveInt('experts per token (gates: softmax over the chosen k)', 1024),
  seqLen: positiveInt('training sequence length (tokens per row)', 65536),
  dropout: real("dropout after the embedding, on both residual branches, in the experts' hidden layer and before the head", { min: 0, max: 1, maxExclusive: true }),
  routerNoiseStd: real('std of the Gaussian noise on router logits in training (0.1 in the thesis)', { min: 0, max: 100 }),
  loadBalancingWeight: real('load-balancing loss weight (0.01: hard-coded in the thesis code; the config value there is ignored)', { min: 0, max: 1000 }),
  ropeBase: real('RoPE base', { min: 0, minExclusive: true, max: 1e12 }),
  normEps: real("RMSNorm eps (PyTorch's default for f32: machine epsilon)", { min: 0, max: 1 }),
  initStd: real('std of the N(0, σ²) init of every linear and embedding weight', { min: 0, max: 100 }),
});

export type MoEConfig = Readonly<z.infer<typeof moeConfigSchema>>;

/** The thesis model: 79,059,840 parameters with the 49,152-token vocabulary. */
export const THESIS_MODEL: MoEConfig = {
  vocabSize: 49152,
  dModel: 384,
  nHeads: 8,
  nLayers: 6,
  dFF: 1536,
  numExperts: 8,
  topK: 2,
  seqLen: 512,
  dropout: 0.1,
  routerNoiseStd: 0.1,
  loadBalancingWeight: 0.01,
  ropeBase: 10000,
  normEps: 1.1920928955078125e-7,
  initStd: 0.02,
};

/**
 * Checks a model config as a whole: every field by the schema, then the rules between fields
 * (heads divide the width, the kernels' limits). Errors name the field: "config.dModel: …".
 */
export function validateConfig(c: unknown): asserts c is MoEConfig {
  const parsed = moeConfigSchema.safeParse(c);
  if (!parsed.success) throw new InputError(formatIssues(parsed.error, c, 'config'));
  const m = parsed.data;
  const { maxHeadDim, maxTopK, maxExperts } = KERNEL_LIMITS;
  if (m.dModel % m.nHeads !== 0) throw new InputError(`config.dModel: ${m.dModel} must be divisible by config.nHeads (${m.nHeads}).`);
  const headDim = m.dModel / m.nHeads;
  if (headDim % 2 !== 0 || headDim > maxHeadDim) throw new InputError(`config.nHeads: the head dim dModel/nHeads = ${headDim} must be even and ≤ ${maxHeadDim} (RoPE pairs, fused attention).`);
  if (m.topK > m.numExperts) throw new InputError(`config.topK: ${m.topK} cannot exceed config.numExperts (${m.numExperts}).`);
  if (m.topK > maxTopK) throw new InputError(`config.topK: at most ${maxTopK} is supported, got ${m.topK}.`);
  if (m.numExperts > maxExperts) throw new InputError(`config.numExperts: at most ${maxExperts} is supported, got ${m.numExperts}.`);
}
