/**
 * Reading a study file, as a whole, before anything runs: YAML or JSON (the `yaml` library, with
 * duplicate keys refused and aliases capped against "billion laughs" anchors), then the zod schema
 * (errors name the key path), then its optimizer module, then the checks that need the registry
 * (validate.ts). Every failure is one InputError line naming the file; nothing is created.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from '@optimlab/moe-model';
import { formatIssues } from '@optimlab/optim';
import { loadOptimizerModule, type OptimizerModule } from '../../optimizer-module.js';
import type { StudyDefinition } from '../engine.js';
import { compileStudy } from './compile.js';
import { QUESTION_KINDS, studyFileSchema, type StudyFile } from './schema.js';
import { validateStudy } from './validate.js';

/** Aliases a file may expand at most (a real study needs a handful). */
const MAX_ALIASES = 100;

export interface LoadedStudy {
  readonly path: string;
  readonly file: StudyFile;
  readonly def: StudyDefinition;
  /** The optimizer module it names, loaded. */
  readonly module?: OptimizerModule;
  /** SHA-256 of the parsed file (comments and layout do not count): a folder never mixes two studies. */
  readonly hash: string;
  /** Paths it names, resolved against its folder. */
  readonly corpus?: string;
  readonly tokenizer?: string;
}

/** The file's data: YAML (JSON is YAML too), one line on any syntax error. */
export function parseStudyText(text: string, where: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    const what = error.code === 'DUPLICATE_KEY' ? 'a key appears twice in one mapping' : error.message.split('\n')[0];
    throw new InputError(`${where}${at ? `:${at.line}:${at.col}` : ''}: ${what}; fix the file.`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (/alias/i.test((err as Error).message)) throw new InputError(`${where}: its aliases expand too far (more than ${MAX_ALIASES}: an anchor bomb?); write the values out.`);
    throw new InputError(`${where}: ${(err as Error).message.split('\n')[0]}.`);
  }
}

/** A question kind the engine does not know, named before the schema's generic union message. */
function checkKinds(data: unknown, where: string): void {
  const questions = (data as { questions?: unknown } | null)?.questions;
  if (!Array.isArray(questions)) return;
  questions.forEach((q, i) => {
    const kind = (q as { kind?: unknown } | null)?.kind;
    if (kind !== undefined && !(QUESTION_KINDS as readonly unknown[]).includes(kind)) throw new InputError(`${where}: questions.${i}.kind: unknown question kind ${JSON.stringify(kind)} (kinds: ${QUESTION_KINDS.join(', ')}).`);
  });
}

/** The file at `path` (absolute), read and checked against the schema (the registry checks come later). */
function parseStudyFile(path: string): StudyFile {
  const where = `study file ${path}`;
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new InputError(`${where} is a folder: name a .yaml or .json study file (optimlab study init writes one).`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${where} cannot be read: check the path.`);
  }
  const data = parseStudyText(text, where);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${where} must hold a mapping (name:, contestants:, questions: …), got ${data === null ? 'nothing' : Array.isArray(data) ? 'a list' : typeof data}.`);
  checkKinds(data, where);
  const parsed = studyFileSchema.safeParse(data);
  if (!parsed.success) throw new InputError(`${where}: ${formatIssues(parsed.error, data)}`);
  return parsed.data;
}

const canonical = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : Array.isArray(v) ? v.map(canonical) : v);

/** Reads, validates and compiles the study file at `path` (absolute); loads its optimizer module. */
export async function readStudyFile(path: string): Promise<LoadedStudy> {
  const where = `study file ${path}`;
  const file = parseStudyFile(path);
  const dir = dirname(path);
  const module = file.optimizerModule === undefined ? undefined : await loadOptimizerModule(resolve(dir, file.optimizerModule), `${where}: optimizerModule`);
  validateStudy(file, where);
  const tokenizer = file.tokenizer === undefined || file.tokenizer === 'bpe' || file.tokenizer === 'gpt2' ? file.tokenizer : resolve(dir, file.tokenizer);
  return {
    path, file, def: compileStudy(file), hash: createHash('sha256').update(JSON.stringify(canonical(file))).digest('hex'),
    ...(module ? { module } : {}),
    ...(file.corpus === undefined ? {} : { corpus: resolve(dir, file.corpus) }),
    ...(tokenizer === undefined ? {} : { tokenizer }),
  };
}

/** The copy of its study file a study folder keeps (the parsed data, as JSON). */
export const STUDY_FILE_COPY = 'study-file.json';

/**
 * The study of a folder, from its copy of the study file: for the report alone, so its optimizers
 * are not looked up (a module's need not be loaded to re-render).
 */
export function studyFromCopy(path: string): StudyDefinition {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new InputError(`${path} cannot be read as JSON: restore it from the study file (optimlab study run writes it).`);
  }
  const parsed = studyFileSchema.safeParse(data);
  if (!parsed.success) throw new InputError(`${path}: ${formatIssues(parsed.error, data)}`);
  return compileStudy(parsed.data);
}

/** A study file shipped with optimlab (studies/*.yaml): registry optimizers only, on the built-in data. */
export function readBuiltinStudy(path: string): StudyDefinition {
  const file = parseStudyFile(path);
  if (file.optimizerModule || file.corpus || file.tokenizer) throw new Error(`${path}: a shipped study names no module, corpus or tokenizer file.`);
  validateStudy(file, `study file ${path}`);
  return compileStudy(file);
}
