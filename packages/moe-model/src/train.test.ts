/**
 * End to end on real text: a smoke model trained on State of the Union addresses with a BPE
 * trained on the training split drops validation loss well below the unigram entropy; a run
 * interrupted after a checkpoint and resumed gives the uninterrupted run's curve exactly.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { loadSotu, splitDocuments } from './data/corpus.js';
import { trainBpe } from './data/bpe.js';
import { tokenizerFromJson, type TextTokenizer } from './data/tokenizer.js';
import { encodeDocuments, makeBlocks, unigramEntropy, type Blocks } from './data/dataset.js';
import { train, type StepInfo, type TrainConfig } from './train.js';
import { sample } from './sample.js';

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

const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  model: makeConfig('smoke', { vocabSize: 512, seqLen: SEQ, dModel: 64, dFF: 128 }),
  optimizer: { name: 'muon', learningRate: 0.03, adamwLearningRate: 0.01, schedule: 'cosine', warmupRatio: 0.05 },
  steps: 120,
  batchSize: 8,
  gradAccum: 1,
  clip: 1,
  evalEvery: 40,
  evalBatches: 8,
  seed: 42,
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
    const short = (dir: string): TrainConfig => config({ steps: 6, evalEvery: 3, evalBatches: 2, checkpointDir: dir, checkpointEvery: 3 });
    const full: StepInfo[] = [];
    await train(short(mkdtempSync(join(tmpdir(), 'optimlab-full-'))), data, { onStep: (s) => full.push(s) });
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-resume-'));
    const first: StepInfo[] = [];
    await expect(
      train(short(dir), data, {
        onStep: (s) => {
          if (s.step === 5) throw new Error('interrupted');
          first.push(s);
        },
      }),
    ).rejects.toThrow('interrupted');
    const resumed: StepInfo[] = [];
    await train(short(dir), data, { onStep: (s) => resumed.push(s) });
    expect(resumed.map((s) => s.step)).toEqual([4, 5, 6]);
    expect(resumed.map((s) => s.loss)).toEqual(full.slice(3).map((s) => s.loss));
  });

  it('a tokenizer vocabulary larger than the model is a clear error', async () => {
    await expect(train(config({ model: makeConfig('smoke', { vocabSize: 100, seqLen: SEQ }) }), data)).rejects.toThrow(/ids up to \d+, but config.vocabSize is 100: set vocabSize ≥/);
  });

  it('a diverging run is stopped and reported', async () => {
    let divergedAt = -1;
    const result = await train(config({ steps: 30, optimizer: { name: 'adamw', learningRate: 1e6, schedule: 'constant' }, clip: 0 }), data, {
      onDiverged: (step) => (divergedAt = step),
    });
    expect(result.status).toBe('diverged');
    expect(divergedAt).toBeGreaterThanOrEqual(0);
  });
});

describe('no hidden readbacks', () => {
  it('a training step (forward, backward, optimizer) reads nothing back to the CPU', async () => {
    const { initParams } = await import('./params.js');
    const { forward } = await import('./model.js');
    const { buildOptimizer } = await import('./train.js');
    const { backward, createOptimizerOf, runtimeStats, requireGrad, scope, tensor } = {
      ...(await import('@optimlab/tensor-wgpu')),
      createOptimizerOf: (await import('@optimlab/optim')).createOptimizer,
    };
    const c = config().model;
    const params = initParams(c, 3);
    for (const p of Object.values(params)) requireGrad(p);
    const opt = createOptimizerOf(buildOptimizer({ name: "muon", learningRate: 0.02 }, 10), params);
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
