/**
 * From documents to training blocks: encode (each document followed by end-of-text), with the ids
 * cached on disk (binary, keyed by corpus + tokenizer + split: encoding runs at ~0.8 MB/s here),
 * concatenate, cut into non-overlapping seqLen blocks, and serve batches in a seeded per-epoch
 * order that depends only on (seed, micro-step) — so a resumed run sees the same batches.
 */
import { InputError } from '../errors.js';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '@optimlab/tensor-wgpu';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import type { Document } from './corpus.js';
import type { TextTokenizer } from './tokenizer.js';

export function cacheKey(docs: readonly Document[], tokenizer: TextTokenizer, split: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(tokenizer.json));
  h.update(split);
  for (const d of docs) {
    h.update(d.name);
    h.update('\0');
    h.update(d.text);
    h.update('\0');
  }
  return h.digest('hex').slice(0, 24);
}

/** Token ids of all documents (cached in `cacheDir` when given). */
export async function encodeDocuments(docs: readonly Document[], tokenizer: TextTokenizer, { cacheDir, split = 'all' }: { cacheDir?: string; split?: string } = {}): Promise<Int32Array> {
  const file = cacheDir ? join(cacheDir, `${split}-${cacheKey(docs, tokenizer, split)}.i32`) : undefined;
  if (file) {
    try {
      const bytes = readFileSync(file);
      return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      // not cached yet
    }
  }
  const ids: number[] = [];
  let since = performance.now();
  for (const d of docs) {
    for (const id of tokenizer.encode(d.text)) ids.push(id);
    if (tokenizer.endOfText !== undefined) ids.push(tokenizer.endOfText);
    // Encoding a large corpus takes minutes (~0.8 MB/s): give the event loop a turn, so Ctrl-C and SIGTERM are served.
    if (performance.now() - since > 50) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
  const out = Int32Array.from(ids);
  if (file) {
    mkdirSync(cacheDir!, { recursive: true });
    await writeAtomically(file, new Uint8Array(out.buffer));
  }
  return out;
}

export interface Blocks {
  readonly ids: Int32Array;
  readonly seqLen: number;
  readonly count: number;
}

export function makeBlocks(ids: Int32Array, seqLen: number, what = 'corpus'): Blocks {
  const count = Math.floor(ids.length / seqLen);
  if (count === 0) throw new InputError(`The ${what} has ${ids.length} tokens, fewer than one sequence of ${seqLen}: use a smaller seqLen or a larger corpus.`);
  return { ids: ids.subarray(0, count * seqLen), seqLen, count };
}

export interface Batch {
  /** (B·T) input ids. */
  readonly ids: Int32Array;
  /** (B·T) next-token targets; the last position of each row is −100 (ignored), as in the thesis. */
  readonly targets: Int32Array;
  readonly batchSize: number;
}

let memo: { n: number; seed: number; order: number[] } | undefined;
function seededPermutation(n: number, seed: number): number[] {
  if (memo && memo.n === n && memo.seed === seed) return memo.order;
  const order = Array.from({ length: n }, (_, i) => i);
  const random = rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  memo = { n, seed, order };
  return order;
}

function assemble(blocks: Blocks, rows: readonly number[]): Batch {
  const T = blocks.seqLen;
  const ids = new Int32Array(rows.length * T);
  const targets = new Int32Array(rows.length * T);
  rows.forEach((blockIndex, r) => {
    const block = blocks.ids.subarray(blockIndex * T, (blockIndex + 1) * T);
    ids.set(block, r * T);
    targets.set(block.subarray(1), r * T);
    targets[r * T + T - 1] = -100;
  });
  return { ids, targets, batchSize: rows.length };
}

/** The training batch of micro-step `step`: blocks in a seeded order per epoch, wrapping around. */
export function trainBatch(blocks: Blocks, batchSize: number, step: number, seed: number): Batch {
  const rows: number[] = [];
  for (let b = 0; b < batchSize; b++) {
    const flat = step * batchSize + b;
    const epoch = Math.floor(flat / blocks.count);
    rows.push(seededPermutation(blocks.count, seed * 1_000_003 + epoch)[flat % blocks.count]!);
  }
  return assemble(blocks, rows);
}

/** Validation batches in order (the first `maxBatches`). */
export function evalBatches(blocks: Blocks, batchSize: number, maxBatches: number): Batch[] {
  const out: Batch[] = [];
  for (let start = 0; start < blocks.count && out.length < maxBatches; start += batchSize) {
    out.push(assemble(blocks, Array.from({ length: Math.min(batchSize, blocks.count - start) }, (_, i) => start + i)));
  }
  return out;
}

/** Entropy (nats) of the unigram distribution of `ids`: the loss of a model that ignores context. */
export function unigramEntropy(ids: Int32Array): number {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / ids.length;
    h -= p * Math.log(p);
  }
  return h;
}
