/**
 * A user's optimizers from a module of theirs (`--optimizer-module ./my-opt.ts`, or a study file's
 * `optimizerModule`): a TypeScript (through tsx, which runs the CLI) or JavaScript file that exports
 * `defineOptimizer(...)` entries. Their names join the registry for this process only and may not
 * shadow a built-in. The module is known by the SHA-256 of its file and the files of yours it
 * imports (module-hash.ts): with a job queue, no code travels; a worker runs a job that needs the
 * module only when it loaded one whose closure has the same hash.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '@optimlab/moe-model';
import { OptimizerOptionsError, registerOptimizers, type OptimizerSpec } from '@optimlab/optim';
import { moduleHash } from './module-hash.js';

export interface OptimizerModule {
  /** The file's absolute path. */
  readonly path: string;
  /** SHA-256 of the file and the local files it imports (hex; module-hash.ts). */
  readonly hash: string;
  /** The optimizer names it added. */
  readonly names: readonly string[];
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** Duck-typed: an entry made by defineOptimizer (of this or another copy of @optimlab/optim), its knobs a zod object (help and checks read their shape). */
function isSpec(v: unknown): v is OptimizerSpec {
  const s = v as Partial<OptimizerSpec> | null;
  return typeof s === 'object' && s !== null && typeof s.name === 'string' && typeof s.build === 'function' && typeof s.create === 'function' && typeof s.hyper?.safeParse === 'function' && typeof s.hyper.shape === 'object' && s.hyper.shape !== null && typeof s.learningRate === 'number';
}

/** The entries a module exports (named exports, and arrays of entries), in export order. */
function specsOf(exports: Record<string, unknown>): OptimizerSpec[] {
  const found = Object.values(exports).flatMap((v) => (Array.isArray(v) ? v.filter(isSpec) : isSpec(v) ? [v] : []));
  return [...new Set(found)];
}

/** Modules loaded in this process, by path (a study file and a flag may name the same one). */
const loaded = new Map<string, OptimizerModule>();

/**
 * Loads the module at `path` (absolute) and adds its optimizers to the registry. `what` names where
 * it came from in errors ("--optimizer-module", "optimizerModule"). Every failure is an InputError
 * in one line: missing, not a file, an unknown extension, a throw on import, no entries, a clash.
 */
export async function loadOptimizerModule(path: string, what: string): Promise<OptimizerModule> {
  const known = loaded.get(path);
  if (known) return known;
  try {
    if (!statSync(path).isFile()) throw new InputError(`${what} ${path} is a folder, not a module file: name the .ts or .js file.`);
    accessSync(path, constants.R_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what} ${path} cannot be read: check the path.`);
  }
  if (!EXTENSIONS.includes(extname(path))) throw new InputError(`${what} ${path}: a module must be a ${EXTENSIONS.join(', ')} file.`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (err) {
    const message = String((err as Error)?.message ?? err).split('\n')[0];
    throw new InputError(`${what} ${path} throws on import (${message}): fix the module.`);
  }
  const specs = specsOf(exports);
  if (!specs.length) throw new InputError(`${what} ${path} exports no optimizer: export entries made with defineOptimizer from @optimlab/optim (export const MINE = defineOptimizer({ … })).`);
  let hash: string;
  try {
    hash = await moduleHash(path);
  } catch (err) {
    // Rare once the import worked: a file esbuild cannot parse, or an import it cannot resolve.
    const message = String((err as Error)?.message ?? err).split('\n')[0];
    throw new InputError(`${what} ${path}: its imports cannot be followed to hash them (${message}): fix the module.`);
  }
  try {
    registerOptimizers(specs);
  } catch (err) {
    if (err instanceof OptimizerOptionsError) throw new InputError(`${what} ${basename(path)}: ${err.message}`);
    throw err;
  }
  const module: OptimizerModule = { path, hash, names: specs.map((s) => s.name) };
  loaded.set(path, module);
  return module;
}

/** The short form of a module's hash, for messages. */
export const shortHash = (hash: string): string => hash.slice(0, 12);
