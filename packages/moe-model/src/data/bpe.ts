/**
 * A byte-level BPE trainer (GPT-2 style: bytes mapped to printable characters, words split by
 * GPT-2's regex, merges learned by pair frequency) that writes a standard HF `tokenizer.json`,
 * loadable by @huggingface/tokenizers like any other. Incremental pair counts keep it fast.
 */
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible byte → printable character map. */
export function bytesToUnicode(): string[] {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const map: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return map;
}

export const END_OF_TEXT = '<|endoftext|>';

/** Trains merges until the vocabulary (256 bytes + merges + <|endoftext|>) reaches `vocabSize`. */
export function trainBpe(texts: readonly string[], vocabSize: number): Record<string, unknown> {
  const steps = bpeSteps(texts, vocabSize);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * trainBpe that gives the event loop a turn every ~50 ms, so that Ctrl-C, SIGTERM and timers are
 * served during a long training (a large vocabulary on a large corpus takes minutes), and stops
 * with `signal`'s reason when it is aborted. Same merges as trainBpe.
 */
export async function trainBpeAsync(texts: readonly string[], vocabSize: number, { signal }: { signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
  const steps = bpeSteps(texts, vocabSize);
  let since = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - since > 50) {
      await new Promise((resolve) => setTimeout(resolve, 0)); // runs anywhere (browsers have no setImmediate)
      signal?.throwIfAborted();
      since = performance.now();
    }
  }
}

/** The most frequent pair (ties: the smaller key) and its count. */
function mostFrequentPair(pairCounts: ReadonlyMap<string, number>): [string, number] {
  let best = '';
  let bestCount = 0;
  for (const [k, n] of pairCounts) if (n > bestCount || (n === bestCount && n > 0 && k < best)) [best, bestCount] = [k, n];
  return [best, bestCount];
}

/** The trainer as a generator: yields after each text counted and each merge (a point to pause at), returns the tokenizer.json. */
function* bpeSteps(texts: readonly string[], vocabSize: number): Generator<void, Record<string, unknown>> {
  if (!Number.isInteger(vocabSize) || vocabSize < 258) throw new RangeError(`BPE vocab size must be an integer ≥ 258 (256 bytes + 1 merge + <|endoftext|>), got ${vocabSize}.`);
  const byteChar = bytesToUnicode();
  const encoder = new TextEncoder();
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(GPT2_SPLIT)) wordCounts.set(m[0], (wordCounts.get(m[0]) ?? 0) + 1);
    yield;
  }
  const words: string[][] = [];
  const freq: number[] = [];
  for (const [w, n] of wordCounts) {
    words.push(Array.from(encoder.encode(w), (b) => byteChar[b]!));
    freq.push(n);
  }
  const pairCounts = new Map<string, number>();
  const where = new Map<string, Set<number>>();
  const add = (a: string, b: string, wi: number, n: number): void => {
    const key = `${a} ${b}`;
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + n);
    if (n > 0) {
      let s = where.get(key);
      if (!s) where.set(key, (s = new Set()));
      s.add(wi);
    }
  };
  words.forEach((w, wi) => {
    for (let i = 0; i + 1 < w.length; i++) add(w[i]!, w[i + 1]!, wi, freq[wi]!);
  });
  const vocab: Record<string, number> = {};
  byteChar.forEach((c, i) => (vocab[c] = i));
  const merges: string[] = [];
  while (Object.keys(vocab).length < vocabSize - 1) {
    const [best, bestCount] = mostFrequentPair(pairCounts); // the hot loop, outside the generator (V8 optimises it better)
    if (bestCount < 2) break; // nothing left worth merging
    const [a, b] = best.split(' ') as [string, string];
    const merged = a + b;
    merges.push(best);
    vocab[merged] = Object.keys(vocab).length;
    for (const wi of where.get(best) ?? []) {
      const w = words[wi]!;
      const n = freq[wi]!;
      for (let i = 0; i + 1 < w.length; i++) add(w[i]!, w[i + 1]!, wi, -n); // remove old pairs
      const next: string[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(w[i]!);
      }
      words[wi] = next;
      for (let i = 0; i + 1 < next.length; i++) add(next[i]!, next[i + 1]!, wi, n);
    }
    pairCounts.delete(best);
    where.delete(best);
    yield;
  }
  const eot = Object.keys(vocab).length;
  vocab[END_OF_TEXT] = eot;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [{ id: eot, content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
