/**
 * `train(config, callbacks)`: the loop the CLI uses. Per optimizer step: `gradAccum` micro-batches
 * (loss / gradAccum, gradients accumulate), clip by global norm over all parameters, one optimizer
 * step (the Muon+AdamW hybrid, AdamW alone, or any optimizer by name) with a schedule on its
 * learning rate(s). Evaluation every `evalEvery` steps on up to `evalBatches` validation batches
 * (token-weighted CE without aux, argmax accuracy, perplexity capped at e^20, expert utilisation,
 * router entropy). A non-finite loss stops the run as diverged. Checkpoints are atomic and resume
 * gives the same curve as an uninterrupted run. The only readbacks are the per-step loss scalars
 * and the evaluation's metrics.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  add as addT, autotune, gpuSync, memoryStats, mulScalar, requireGrad, resetPeakMemory, noGrad, scopeAsync, startProfiling, stopProfiling, CHECKSUM_KEY, type Tensor,
} from '@optimlab/tensor-wgpu';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { clipGradientsInPlace, createOptimizer, type Optimizer } from '@optimlab/optim';
import { loadCheckpoint, saveCheckpoint } from '@optimlab/optim/node';
import { validateConfig, type MoEConfig } from './config.js';
import { InputError } from './errors.js';
import { buildOptimizer, lrSchedule } from './lr-schedule.js';
import type { TrainConfig } from './run-config.js';
import { initParams } from './params.js';
import { forward } from './model.js';
import { trainBatch, type Blocks } from './data/dataset.js';
import { evaluate, type EvalInfo } from './evaluate.js';
import { checkModelFits, planBatch, type BatchPlan } from './batch-plan.js';
import { forwardBackward } from './sub-batches.js';

export interface StepInfo {
  readonly step: number;
  readonly loss: number;
  readonly ce: number;
  readonly aux: number;
  readonly lr: number;
  readonly elapsed: number;
  readonly tokensPerSecond: number;
  /** GPU memory held by live tensors after the step. */
  readonly liveBytes: number;
  /** The most bytes live GPU tensors held during this step. */
  readonly peakMemoryBytes: number;
}

export interface TrainResult {
  /** 'diverged': a non-finite loss, or a loss that stayed far above its start (see TrainConfig.divergence). */
  readonly status: 'finished' | 'diverged';
  readonly steps: number;
  readonly lastEval: EvalInfo | undefined;
  readonly params: Record<string, Tensor>;
  /** GPU time of one optimizer step (ms, mean over the profiled steps), or null when not profiled. */
  readonly optimizerGpuMs: number | null;
}

export interface TrainCallbacks {
  onStep?(info: StepInfo): void;
  onEval?(info: EvalInfo): void;
  onDiverged?(step: number, loss: number, reason: string): void;
  /** A checkpoint was found: the run continues after `step`. */
  onResume?(step: number): void;
  /** Once, before the first step: how the micro-batch runs on this adapter (see describeBatchPlan). */
  onBatchPlan?(plan: BatchPlan): void;
  /** Something the user should know that does not stop the run (a checkpoint without checksums). */
  onWarning?(text: string): void;
}

export interface TrainOptions {
  /** Write a checkpoint (and config.json) here every `checkpointEvery` steps and at the end, and resume from it. */
  readonly checkpointDir?: string;
  /**
   * Time the optimizer step with GPU timestamps on this many steps (from the third on; adapters
   * with 'timestamp-query' only): TrainResult.optimizerGpuMs is their mean.
   */
  readonly profileOptimizerSteps?: number;
  /**
   * Stops the run between two optimizer steps: train() frees what it made and rejects with the
   * signal's reason (a checkpoint already written stays, so the run can resume from it).
   */
  readonly signal?: AbortSignal;
}

/** Reads a checkpoint into `opt` and `params`; a bad file is an InputError naming it. */
async function resume(file: string, opt: Optimizer<unknown>, params: Record<string, Tensor>): Promise<Record<string, string>> {
  try {
    return await loadCheckpoint(file, opt, params);
  } catch (err) {
    throw new InputError(`${file} is not a usable checkpoint (${(err as Error).message.replace(`${file}: `, '')}): delete it to start the run over.`);
  }
}

/**
 * Counts consecutive steps whose loss is above factor·max(first loss, ln V). Its state (first loss,
 * streak) goes into every checkpoint, so a resumed run stops at exactly the step the uninterrupted
 * one would.
 */
function divergenceWatch({ window, factor }: TrainConfig['divergence'], vocabSize: number, firstLoss: number | undefined, streak = 0) {
  let first = firstLoss;
  let over = streak;
  return {
    get firstLoss() {
      return first;
    },
    get streak() {
      return over;
    },
    /** A reason when the run has diverged, else undefined. */
    check(loss: number): string | undefined {
      if (!Number.isFinite(loss)) return `loss is ${loss}`;
      first ??= loss;
      const limit = factor * Math.max(first, Math.log(vocabSize));
      over = loss > limit ? over + 1 : 0;
      return over >= window ? `loss ${loss.toPrecision(4)} stayed above ${limit.toPrecision(4)} (${factor} × max(first loss, ln V)) for ${window} steps` : undefined;
    },
  };
}

export async function train(config: TrainConfig, data: { train: Blocks; val: Blocks }, callbacks: TrainCallbacks = {}, { checkpointDir, profileOptimizerSteps = 0, signal }: TrainOptions = {}): Promise<TrainResult> {
  signal?.throwIfAborted();
  const c = config.model;
  validateConfig(c);
  if (data.train.seqLen !== c.seqLen) throw new InputError(`The training blocks have ${data.train.seqLen} tokens, the model's seqLen is ${c.seqLen}.`);
  for (const [split, blocks] of [['train', data.train], ['val', data.val]] as const) {
    const maxId = blocks.ids.reduce((m, v) => (v > m ? v : m), 0);
    if (maxId >= c.vocabSize) {
      throw new InputError(`The ${split} tokens use ids up to ${maxId}, but config.vocabSize is ${c.vocabSize}: set vocabSize ≥ ${maxId + 1} (the tokenizer's vocabulary size).`);
    }
  }
  checkModelFits(c, config.batchSize, gpuSync().limits); // before any GPU allocation: one line naming the tensor, not a RangeError
  const params = initParams(c, config.seed);
  for (const p of Object.values(params)) requireGrad(p);
  const opt = createOptimizer(buildOptimizer(config.optimizer, config.steps), params);
  const schedule = lrSchedule(config.optimizer, config.steps);
  const ckpt = checkpointDir ? join(checkpointDir, 'checkpoint.safetensors') : undefined;
  let firstLoss: number | undefined;
  let streak = 0;
  if (ckpt && existsSync(ckpt)) {
    const meta = await resume(ckpt, opt, params);
    firstLoss = meta['firstLoss'] && Number.isFinite(Number(meta['firstLoss'])) ? Number(meta['firstLoss']) : undefined;
    streak = Number.isInteger(Number(meta['divergenceStreak'])) ? Number(meta['divergenceStreak']) : 0;
    if (!(CHECKSUM_KEY in meta)) callbacks.onWarning?.(`${ckpt} has no checksums (made by an older optimlab): resuming from it unverified.`);
    callbacks.onResume?.(opt.steps);
  }
  const watch = divergenceWatch(config.divergence, c.vocabSize, firstLoss, streak);
  const canProfile = profileOptimizerSteps > 0 && gpuSync().features.includes('timestamp-query');
  const optimizerMs: number[] = [];
  const optimizerGpuMs = (): number | null => (optimizerMs.length ? optimizerMs.reduce((a, b) => a + b, 0) / optimizerMs.length : null);
  const tokensPerStep = config.batchSize * config.gradAccum * c.seqLen;
  const plan = planBatch(c, config.batchSize, gpuSync().limits);
  callbacks.onBatchPlan?.(plan);
  const start = performance.now();
  const firstStep = opt.steps;
  let lastEval: EvalInfo | undefined;
  for (let step = opt.steps; step < config.steps; step++) {
    if (signal?.aborted) {
      opt.dispose();
      for (const p of Object.values(params)) p.dispose();
      throw signal.reason;
    }
    const t0 = performance.now();
    resetPeakMemory();
    const [loss, ce, aux] = await scopeAsync(async () => {
      const parts: Tensor[][] = [];
      for (let micro = 0; micro < config.gradAccum; micro++) {
        const m = step * config.gradAccum + micro;
        const batch = trainBatch(data.train, config.batchSize, m, config.seed);
        const r = forwardBackward(c, params, batch, plan.subBatches, { seed: config.seed * 7919 + m, scale: 1 / config.gradAccum });
        parts.push([r.loss, r.ce, r.aux]);
      }
      const grads = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!]));
      const meanOf = (i: number): Tensor => noGrad(() => mulScalar(parts.map((p) => p[i]!).reduce((a, b) => addT(a, b)), 1 / config.gradAccum));
      const scalars = [meanOf(0), meanOf(1), meanOf(2)];
      if (config.clip > 0) clipGradientsInPlace(grads, config.clip);
      const profiled = canProfile && step >= 2 && step < 2 + profileOptimizerSteps;
      if (profiled) startProfiling();
      opt.step(grads, { loss: scalars[0]! });
      if (profiled) optimizerMs.push([...(await stopProfiling()).values()].reduce((t, k) => t + k.ms, 0));
      for (const p of Object.values(params)) {
        p.grad?.dispose();
        p.grad = undefined;
      }
      return Promise.all(scalars.map((s) => s.item()));
    });
    const diverged = watch.check(loss!);
    if (diverged) {
      callbacks.onDiverged?.(step + 1, loss!, diverged);
      opt.dispose();
      return { status: 'diverged', steps: step + 1, lastEval, params, optimizerGpuMs: optimizerGpuMs() };
    }
    const elapsed = (performance.now() - start) / 1000;
    callbacks.onStep?.({
      step: step + 1, loss: loss!, ce: ce!, aux: aux!, lr: config.optimizer.learningRate * schedule(step), elapsed,
      tokensPerSecond: tokensPerStep / ((performance.now() - t0) / 1000), liveBytes: memoryStats().liveBytes, peakMemoryBytes: memoryStats().peakLiveBytes,
    });
    // The first step ran every matmul shape class once: tune the new ones for this adapter (cached on disk).
    if (step === firstStep) await autotune();
    const done = step + 1 === config.steps;
    if ((step + 1) % config.evalEvery === 0 || done) {
      lastEval = await evaluate(c, params, data.val, config.batchSize, config.evalBatches, step + 1);
      callbacks.onEval?.(lastEval);
      // A non-finite validation loss is divergence too, whatever the training loss said.
      if (!Number.isFinite(lastEval.valLoss)) {
        callbacks.onDiverged?.(step + 1, lastEval.valLoss, `validation loss is ${lastEval.valLoss} at step ${step + 1}`);
        opt.dispose();
        return { status: 'diverged', steps: step + 1, lastEval, params, optimizerGpuMs: optimizerGpuMs() };
      }
    }
    if (ckpt && (done || (step + 1) % config.checkpointEvery === 0)) {
      mkdirSync(checkpointDir!, { recursive: true });
      await saveCheckpoint(ckpt, opt, params, { config: JSON.stringify(config), firstLoss: String(watch.firstLoss), divergenceStreak: String(watch.streak) });
      await writeAtomically(join(checkpointDir!, 'config.json'), JSON.stringify(config, null, 2));
    }
  }
  opt.dispose();
  return { status: 'finished', steps: config.steps, lastEval, params, optimizerGpuMs: optimizerGpuMs() };
}
