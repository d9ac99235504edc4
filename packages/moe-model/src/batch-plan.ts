/**
 * Fitting a micro-batch to the device. WebGPU binds each tensor as one storage buffer, and no
 * buffer may exceed `maxStorageBufferBindingSize` (128 MiB on lavapipe) or `maxBufferSize`. The
 * LM head never holds more than one chunk of logits (linearCrossEntropy), but other activations
 * grow with the batch — the largest is the experts' hidden layer, (B·T·k, dFF): 151 MB at the
 * thesis's 24 × 512. `planBatch` picks the fewest sub-batches whose every tensor fits; the training
 * loop runs them one after another and accumulates gradients (see sub-batches.ts), so the preset's
 * batch stays the logical batch. It also estimates the step's peak memory from the model's shapes.
 * Pure arithmetic: no GPU needed (doctor can plan for any preset).
 */
import { sizeClass } from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';
import { InputError } from './errors.js';
import { PRESETS } from './presets.js';
import { countParameters, parameterShapes } from './params.js';

/** The two adapter limits that bound one tensor. */
export interface DeviceLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

export interface BatchPlan {
  /** The logical micro-batch (rows of seqLen tokens). */
  readonly batchSize: number;
  /** Rows of each sub-batch, in order (they sum to batchSize; sizes differ by at most one). */
  readonly subBatches: readonly number[];
  /** The largest activation of one sub-batch: what it is and its bytes (pool size class). */
  readonly largest: { readonly name: string; readonly bytes: number };
  /** Estimated peak GPU memory of one training step in bytes (parameters, gradients, optimizer state, activations). */
  readonly peakBytes: number;
  /** false when not even one row fits (or a weight alone exceeds the limit): `reason` says which tensor. */
  readonly fits: boolean;
  readonly reason?: string;
}

export interface PlanOptions {
  /** Also split until the estimated peak fits this many bytes (WebGPU does not report device memory). */
  readonly memoryBudgetBytes?: number;
  /** Optimizer state floats per parameter (Adam: 2; Muon's momentum: 1). */
  readonly stateFloatsPerParam?: number;
}

/** Activations of `rows` rows that grow with the batch, in f32 elements, largest first. */
function batchTensors(c: MoEConfig, rows: number): Array<[string, number]> {
  const n = rows * c.seqLen;
  return [
    ["the experts' hidden activations (B·T·k, dFF)", n * c.topK * c.dFF],
    ['the attention input projection (B·T, 3d)', n * 3 * c.dModel],
    ['the routed token copies (B·T·k, d)', n * c.topK * c.dModel],
  ].sort((a, b) => (b[1] as number) - (a[1] as number)) as Array<[string, number]>;
}

/** Weights (and their gradients) that do not depend on the batch, in f32 elements, largest first: every parameter tensor. */
function fixedTensors(c: MoEConfig): Array<[string, number]> {
  return Object.entries(parameterShapes(c))
    .map(([name, shape]): [string, number] => [`${name} [${shape.join(', ')}]`, shape.reduce((a, b) => a * b, 1)])
    .sort((a, b) => b[1] - a[1]);
}

/**
 * Elements alive per token at the end of the forward (what the backward needs): per layer the
 * norms, qkv and its head-major copy and slices, RoPE, attention and its projections, residuals
 * (≈ 20·d), the routed copies (5·k·d) and the experts' hidden layer before and after SiLU and
 * dropout (3·k·dFF); plus the embedding and the final norm.
 */
function activationFloatsPerToken(c: MoEConfig): number {
  const perLayer = 20 * c.dModel + 5 * c.topK * c.dModel + 3 * c.topK * c.dFF + 4 * c.numExperts + 4 * c.topK + c.nHeads;
  return c.nLayers * perLayer + 6 * c.dModel;
}

/** Estimated peak bytes of a training step whose largest sub-batch has `rows` rows. */
function estimatePeak(c: MoEConfig, rows: number, limit: number, stateFloatsPerParam: number): number {
  const { total } = countParameters(c);
  const tokens = rows * c.seqLen;
  const weights = total * (2 + stateFloatsPerParam); // parameters, gradients, optimizer state
  const activations = tokens * activationFloatsPerToken(c);
  // The backward's transients (gradients in flight, size-class rounding): about 2.5 layers'
  // activations — calibrated on the thesis preset at 2 × 12 on lavapipe (6.00 GB measured) — plus
  // the fused head's weight-gradient partial.
  const transient = (2.5 * tokens * activationFloatsPerToken(c)) / c.nLayers + 2 * c.vocabSize * c.dModel;
  const logitsChunk = Math.min(limit, tokens * c.vocabSize * 4);
  return 4 * (weights + activations + transient) + logitsChunk;
}

/** Bytes as MiB for messages: "256 MiB". */
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 1 })} MiB`;

/** `batchSize` rows split into `parts` sub-batches whose sizes differ by at most one. */
export function evenSplit(batchSize: number, parts: number): number[] {
  const base = Math.floor(batchSize / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < batchSize % parts ? 1 : 0));
}

/** The fewest sub-batches of a micro-batch of `batchSize` rows whose every tensor fits `limits`. */
export function planBatch(c: MoEConfig, batchSize: number, limits: DeviceLimits, { memoryBudgetBytes, stateFloatsPerParam = 2 }: PlanOptions = {}): BatchPlan {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`planBatch: the batch size must be a positive integer, got ${batchSize}.`);
  const limit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const fitsLimit = (floats: number): boolean => sizeClass(floats * 4) <= limit;
  const largestOf = (rows: number): { name: string; bytes: number } => {
    const [name, floats] = batchTensors(c, rows)[0]!;
    return { name, bytes: sizeClass(floats * 4) };
  };
  const peakOf = (rows: number): number => estimatePeak(c, rows, limit, stateFloatsPerParam);
  const tooBig = fixedTensors(c).find(([, floats]) => !fitsLimit(floats));
  if (tooBig) {
    const reason = `the largest tensor, ${tooBig[0]}, is ${mib(tooBig[1] * 4)}, over this adapter's ${mib(limit)} limit for one buffer`;
    return { batchSize, subBatches: [batchSize], largest: { name: tooBig[0], bytes: tooBig[1] * 4 }, peakBytes: peakOf(batchSize), fits: false, reason };
  }
  for (let parts = 1; parts <= batchSize; parts++) {
    const rows = Math.ceil(batchSize / parts);
    const inLimit = batchTensors(c, rows).every(([, floats]) => fitsLimit(floats));
    const inBudget = memoryBudgetBytes === undefined || peakOf(rows) <= memoryBudgetBytes;
    if (inLimit && (inBudget || rows === 1)) {
      const fits = inBudget;
      const reason = fits ? undefined : `one row needs about ${mib(peakOf(1))} (largest tensor ${largestOf(1).name}), over the memory budget of ${mib(memoryBudgetBytes!)}`;
      return { batchSize, subBatches: evenSplit(batchSize, parts), largest: largestOf(rows), peakBytes: peakOf(rows), fits, ...(reason ? { reason } : {}) };
    }
  }
  const [name, floats] = batchTensors(c, 1)[0]!;
  return { batchSize, subBatches: evenSplit(batchSize, batchSize), largest: { name, bytes: floats * 4 }, peakBytes: peakOf(1), fits: false, reason: `the largest tensor, ${name}, is ${mib(floats * 4)} for a single row, over this adapter's ${mib(limit)} limit for one buffer` };
}

/** One line: "micro-batch 24 runs as 2 × 12 on this adapter (…)" — for logs and `optimlab doctor`. */
export function describeBatchPlan(plan: BatchPlan): string {
  const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;
  if (!plan.fits) return `micro-batch ${plan.batchSize} does not fit this adapter: ${plan.reason}.`;
  const parts = plan.subBatches;
  const peak = `estimated peak ${gb(plan.peakBytes)}; largest tensor ${plan.largest.name}, ${(plan.largest.bytes / 2 ** 20).toFixed(0)} MiB`;
  if (parts.length === 1) return `micro-batch ${plan.batchSize} runs whole on this adapter (${peak}).`;
  const shape = parts.every((p) => p === parts[0]) ? `${parts.length} × ${parts[0]}` : parts.join(' + ');
  return `micro-batch ${plan.batchSize} runs as ${shape} on this adapter (${peak}).`;
}

/**
 * For `optimlab doctor`: one line per preset, "thesis: micro-batch 24 runs as 2 × 12 on this
 * adapter (…)", for the micro-batch each preset trains with.
 */
export function describePresetBatches(limits: DeviceLimits): string[] {
  return Object.entries(PRESETS).map(([name, p]) => `${name}: ${describeBatchPlan(planBatch(p.model, p.batchSize, limits))}`);
}

/**
 * Refuses, before any work, a model and micro-batch that cannot run on this adapter: a tensor over
 * its one-buffer limit, or (with `memoryBytes`) a step whose estimated peak exceeds the memory. One
 * line naming the largest tensor and the limit (an InputError).
 */
export function checkModelFits(c: MoEConfig, batchSize: number, limits: DeviceLimits, { memoryBytes }: { memoryBytes?: number } = {}): void {
  const plan = planBatch(c, batchSize, limits, memoryBytes === undefined ? {} : { memoryBudgetBytes: memoryBytes });
  if (!plan.fits) throw new InputError(`The model does not fit this adapter: ${plan.reason}; make the model (dModel, vocabSize, dFF, numExperts) or the batch smaller.`);
}
