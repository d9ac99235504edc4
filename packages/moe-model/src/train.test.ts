/**
 * End to end on real text: a smoke model trained on State of the Union addresses with a BPE
 * trained on the training split drops validation loss well below the unigram entropy; a run
 * interrupted after a checkpoint and resumed gives the uninterrupted run's curve exactly.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSotu, splitDocuments } from './data/corpus.js';
import { trainBpe } from './data/bpe.js';
import { tokenizerFromJson, type TextTokenizer } from './data/tokenizer.js';
import { encodeDocuments, makeBlocks, unigramEntropy, type Blocks } from './data/dataset.js';
import { train, type StepInfo } from './train.js';
import { resolveRunConfig, type RunConfigInput, type TrainConfig } from './run-config.js';
import { sample } from './sample.js';
import { memoryStats } from '@optimlab/tensor-wgpu';

let data: { train: Blocks; val: Blocks };
let tokenizer: TextTokenizer;
let valIds: Int32Array;
const SEQ = 32;

beforeAll(async () => {
  const { train: trainDocs, val: valDocs } = splitDocuments(loadSotu().slice(-30), { seed: 42 });
  tokenizer = tokenizerFromJson(trainBpe(trainDocs.map((d) => d.text), 512), 'bpe-512');
  const trainIds = await encodeDocuments(trainDocs, tokenizer);
  valIds = await encodeDocuments(valDocs, tokenizer);
  data = { train: makeBlocks(trainIds, SEQ), val: makeBlocks(valIds, SEQ, 'validation split') };
});

const config = (over: Partial<RunConfigInput> = {}): TrainConfig =>
  resolveRunConfig({
    preset: 'smoke',
    model: { seqLen: SEQ, dModel: 64, dFF: 128 },
    optimizer: { name: 'muon+adamw', learningRate: 0.03, adamwLearningRate: 0.01, schedule: 'cosine', warmupRatio: 0.05 },
    steps: 120,
    batchSize: 8,
    gradAccum: 1,
    evalEvery: 40,
    evalBatches: 8,
    ...over,
  });

describe('training on SOTU', () => {
  it('drops validation loss well below the unigram entropy, and samples text', async () => {
    const evals: number[] = [];
    const result = await train(config(), data, { onEval: (e) => evals.push(e.valLoss) });
    const h = unigramEntropy(valIds);
    console.log(`unigram entropy ${h.toFixed(3)} nats; val loss ${evals.map((v) => v.toFixed(3)).join(' → ')}; acc ${result.lastEval!.accuracy.toFixed(3)}`);
    expect(result.status).toBe('finished');
    expect(result.lastEval!.valLoss).toBeLessThan(h - 0.5);
    const u = result.lastEval!.utilisation[0]!;
    expect(u.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    const text = tokenizer.decode(await sample(config().model, result.params, tokenizer.encode('The Congress'), { maxTokens: 12, seed: 1, topK: 20 }));
    console.log(`sample: "The Congress${text}"`);
    expect(text.length).toBeGreaterThan(0);
  });

  it('resuming from a checkpoint reproduces the uninterrupted curve exactly', async () => {
    const short = config({ steps: 6, evalEvery: 3, evalBatches: 2, checkpointEvery: 3 });
    const full: StepInfo[] = [];
    await train(short, data, { onStep: (s) => full.push(s) }, { checkpointDir: mkdtempSync(join(tmpdir(), 'optimlab-full-')) });
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-resume-'));
    const first: StepInfo[] = [];
    await expect(
      train(
        short,
        data,
        {
          onStep: (s) => {
            if (s.step === 5) throw new Error('interrupted');
            first.push(s);
          },
        },
        { checkpointDir: dir },
      ),
    ).rejects.toThrow('interrupted');
    const resumed: StepInfo[] = [];
    let resumedAt = -1;
    await train(short, data, { onStep: (s) => resumed.push(s), onResume: (step) => (resumedAt = step) }, { checkpointDir: dir });
    expect(resumedAt).toBe(3);
    expect(resumed.map((s) => s.step)).toEqual([4, 5, 6]);
    expect(resumed.map((s) => s.loss)).toEqual(full.slice(3).map((s) => s.loss));
  });

  it('an aborted run stops between two steps, frees its tensors and rejects with the reason', async () => {
    const before = memoryStats().liveBytes;
    const stop = new AbortController();
    const steps: number[] = [];
    const onStep = (s: StepInfo): void => {
      steps.push(s.step);
      if (s.step === 3) stop.abort(new Error('worker stopping'));
    };
    await expect(train(config({ steps: 20, evalEvery: 20 }), data, { onStep }, { signal: stop.signal })).rejects.toThrow('worker stopping');
    expect(steps).toEqual([1, 2, 3]);
    expect(memoryStats().liveBytes).toBe(before);
  });

  it('a tokenizer vocabulary larger than the model is a clear error', async () => {
    await expect(train(config({ model: { vocabSize: 100, seqLen: SEQ } }), data)).rejects.toThrow(/ids up to \d+, but config.vocabSize is 100: set vocabSize ≥/);
  });

  it('a junk checkpoint is an error naming the file, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-junk-'));
    writeFileSync(join(dir, 'checkpoint.safetensors'), 'not a checkpoint');
    await expect(train(config({ steps: 2 }), data, {}, { checkpointDir: dir })).rejects.toThrow(/checkpoint.safetensors is not a usable checkpoint \(.*\): delete it/);
  });

  it('a run whose loss turns non-finite is stopped and reported', async () => {
    let divergedAt = -1;
    const result = await train(config({ steps: 30, optimizer: { name: 'adamw', learningRate: 1e6, schedule: 'constant' }, clip: 0 }), data, {
      onDiverged: (step) => (divergedAt = step),
    });
    expect(result.status).toBe('diverged');
    expect(divergedAt).toBeGreaterThanOrEqual(0);
  });

  it('a run that blows up without NaN (loss far above its start for a window of steps) is stopped as diverged', async () => {
    const losses: number[] = [];
    let reason = '';
    const result = await train(config({ steps: 40, evalEvery: 40, optimizer: { name: 'adamw', learningRate: 10, schedule: 'constant', warmupRatio: 0 } }), data, {
      onStep: (s) => losses.push(s.loss),
      onDiverged: (_, loss, why) => (losses.push(loss), (reason = why)),
    });
    expect(result.status).toBe('diverged');
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(reason).toMatch(/stayed above [\d.]+ \(1.3 × max\(first loss, ln V\)\) for 5 steps/);
    expect(result.steps).toBeLessThan(40);
  });

  it('the divergence streak is in the checkpoint: a run resumed inside a streak stops where the uninterrupted one does', async () => {
    const blowUp = config({ steps: 40, evalEvery: 40, checkpointEvery: 1, optimizer: { name: 'adamw', learningRate: 10, schedule: 'constant', warmupRatio: 0 } });
    const whole = await train(blowUp, data, {}, { checkpointDir: mkdtempSync(join(tmpdir(), 'optimlab-streak-')) });
    expect(whole.status).toBe('diverged');
    const stopAt = whole.steps; // the 5th step in a row above the limit
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-streak-'));
    // Interrupted inside the streak: the last checkpoint (step stopAt - 3) holds a streak of 2.
    await expect(train(blowUp, data, { onStep: (s) => { if (s.step === stopAt - 2) throw new Error('interrupted'); } }, { checkpointDir: dir })).rejects.toThrow('interrupted');
    let reason = '';
    const resumed = await train(blowUp, data, { onDiverged: (_, __, why) => (reason = why) }, { checkpointDir: dir });
    expect(resumed.status).toBe('diverged');
    expect(resumed.steps).toBe(stopAt);
    expect(reason).toMatch(/for 5 steps/);
  });

  it('Muon+AdamW holds GPU memory flat over 50 steps (no per-step leak)', async () => {
    const live: number[] = [];
    const result = await train(config({ steps: 50, evalEvery: 50, evalBatches: 1 }), data, { onStep: (s) => live.push(s.liveBytes) });
    expect(result.status).toBe('finished');
    expect(live).toHaveLength(50);
    expect(Math.max(...live.slice(1)) - Math.min(...live.slice(1))).toBe(0);
    for (const p of Object.values(result.params)) p.dispose();
  });
});

describe('no hidden readbacks', () => {
  it('a training step (forward, backward, optimizer) reads nothing back to the CPU', async () => {
    const { initParams } = await import('./params.js');
    const { forward } = await import('./model.js');
    const { buildOptimizer } = await import('./lr-schedule.js');
    const { backward, createOptimizerOf, runtimeStats, requireGrad, scope, tensor } = {
      ...(await import('@optimlab/tensor-wgpu')),
      createOptimizerOf: (await import('@optimlab/optim')).createOptimizer,
    };
    const c = config().model;
    const params = initParams(c, 3);
    for (const p of Object.values(params)) requireGrad(p);
    const opt = createOptimizerOf(buildOptimizer(config().optimizer, 10), params);
    const before = runtimeStats().reads;
    scope(() => {
      const ids = tensor(Array.from({ length: 2 * SEQ }, (_, i) => i % c.vocabSize), [2, SEQ], 'i32');
      const r = forward(c, params, ids, ids, { training: true, seed: 1 });
      backward(r.loss);
      opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss: r.loss });
    });
    expect(runtimeStats().reads).toBe(before);
  });
});
