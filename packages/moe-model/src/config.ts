/**
 * The model's configuration: typed, every default commented, presets for the three scales, and
 * one validation that names the bad field and the fix. Matches the thesis CODE (configs/moe_config.py,
 * models/*.py) where it differs from the thesis text.
 */
import { KERNEL_LIMITS } from '@optimlab/tensor-wgpu';
import { InputError } from './errors.js';

export interface MoEConfig {
  /** Tokenizer vocabulary size (49,152 for SmolLM's tokenizer, the thesis's). */
  readonly vocabSize: number;
  /** Residual width d. */
  readonly dModel: number;
  /** Attention heads; head dim = dModel / nHeads (48 in the thesis). */
  readonly nHeads: number;
  /** Transformer blocks. */
  readonly nLayers: number;
  /** Hidden width of each expert's SiLU MLP. */
  readonly dFF: number;
  /** Experts per MoE layer. */
  readonly numExperts: number;
  /** Experts per token (gates: softmax over the chosen k). */
  readonly topK: number;
  /** Training sequence length (tokens per row). */
  readonly seqLen: number;
  /** Dropout after the embedding, on both residual branches, in the experts' hidden layer and before the head. */
  readonly dropout: number;
  /** Std of the Gaussian noise on router logits in training (0.1 in the thesis). */
  readonly routerNoiseStd: number;
  /** Load-balancing loss weight (0.01: hard-coded in the thesis code; the config value there is ignored). */
  readonly loadBalancingWeight: number;
  /** RoPE base. */
  readonly ropeBase: number;
  /** RMSNorm eps (PyTorch's default for f32: machine epsilon). */
  readonly normEps: number;
  /** Std of the N(0, σ²) init of every linear and embedding weight. */
  readonly initStd: number;
}

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

export function validateConfig(c: MoEConfig): void {
  const positiveInts: (keyof MoEConfig)[] = ['vocabSize', 'dModel', 'nHeads', 'nLayers', 'dFF', 'numExperts', 'topK', 'seqLen'];
  for (const key of positiveInts) {
    if (!Number.isInteger(c[key]) || (c[key] as number) < 1) throw new InputError(`config.${key} must be a positive integer, got ${c[key]}.`);
  }
  if (c.dModel % c.nHeads !== 0) throw new InputError(`config.dModel (${c.dModel}) must be divisible by config.nHeads (${c.nHeads}).`);
  const headDim = c.dModel / c.nHeads;
  const { maxHeadDim, maxTopK, maxExperts } = KERNEL_LIMITS;
  if (headDim % 2 !== 0 || headDim > maxHeadDim) throw new InputError(`The head dim dModel/nHeads = ${headDim} must be even and ≤ ${maxHeadDim} (RoPE pairs, fused attention).`);
  if (c.topK > c.numExperts) throw new InputError(`config.topK (${c.topK}) cannot exceed config.numExperts (${c.numExperts}).`);
  if (c.topK > maxTopK || c.numExperts > maxExperts) throw new InputError(`config.topK ≤ ${maxTopK} and config.numExperts ≤ ${maxExperts} are supported, got ${c.topK} and ${c.numExperts}.`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new InputError(`config.dropout must be in [0, 1), got ${c.dropout}.`);
  for (const key of ['routerNoiseStd', 'loadBalancingWeight', 'normEps', 'initStd'] as const) {
    if (!(Number.isFinite(c[key]) && c[key] >= 0)) throw new InputError(`config.${key} must be a finite non-negative number, got ${c[key]}.`);
  }
}
