/**
 * The presets: one table of every scale a user can pick by name. A preset is a model, the batch it
 * trains with, how it evaluates, and the study's two horizons. The CLI, the study, sweeps, the
 * bench and `optimlab doctor` all read this table.
 */
import { THESIS_MODEL, validateConfig, type MoEConfig } from './config.js';
import { InputError } from './errors.js';

export interface Preset {
  readonly summary: string;
  readonly model: MoEConfig;
  /** Sequences per micro-batch. */
  readonly batchSize: number;
  /** Micro-batches per optimizer step. */
  readonly gradAccum: number;
  /** Evaluate every this many optimizer steps (and at the end). */
  readonly evalEvery: number;
  /** Validation batches per evaluation. */
  readonly evalBatches: number;
  /** The study's horizons in optimizer steps (the thesis's 200/500 micro-steps at accumulation 4). */
  readonly study: { readonly short: number; readonly long: number };
}

export const PRESETS = {
  thesis: {
    summary: 'the thesis model and batch (24 × 512 tokens, accumulation 4): for a real GPU',
    model: THESIS_MODEL,
    batchSize: 24,
    gradAccum: 4,
    evalEvery: 5,
    evalBatches: 25,
    study: { short: 50, long: 125 },
  },
  cpu: {
    summary: 'the same architecture scaled for a 2-core machine with a software adapter',
    // ~170 ms per Muon+AdamW step, ~105 ms per AdamW step at batch 8×64 on lavapipe (step-profile medians).
    model: { ...THESIS_MODEL, vocabSize: 1024, dModel: 64, nHeads: 4, nLayers: 2, dFF: 256, seqLen: 64 },
    batchSize: 8,
    gradAccum: 1,
    evalEvery: 10,
    evalBatches: 8,
    // 200 steps separate Muon from AdamW clearly here (val 4.76 vs 5.30 at seed 42); 50 did not (within one std).
    study: { short: 80, long: 200 },
  },
  smoke: {
    summary: 'a toy scale for plumbing checks and tests: seconds per run',
    // A trained BPE needs ≥ 258 tokens, hence the vocabulary of 512.
    model: { ...THESIS_MODEL, vocabSize: 512, dModel: 32, nHeads: 2, nLayers: 2, dFF: 64, numExperts: 4, seqLen: 32 },
    batchSize: 4,
    gradAccum: 1,
    evalEvery: 4,
    evalBatches: 4,
    study: { short: 8, long: 16 },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** A preset's model (see presets.ts) or a given model, with overrides, validated. */
export function makeConfig(preset: PresetName | MoEConfig = 'smoke', overrides: Partial<MoEConfig> = {}): MoEConfig {
  const base = typeof preset === 'string' ? PRESETS[preset]?.model : preset;
  if (!base) throw new InputError(`Unknown preset "${String(preset)}". Known: ${Object.keys(PRESETS).join(', ')}.`);
  const config = { ...base, ...overrides };
  validateConfig(config);
  return config;
}
