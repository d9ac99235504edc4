/**
 * The identity of an optimizer module: the SHA-256 of its local import closure, that is, the module
 * file and every file of yours it imports (relative imports, followed through), each as its path
 * relative to the module's folder and its bytes. esbuild finds the closure as a bundler would
 * (TypeScript's `./x.js` → `./x.ts` included); packages (bare imports) stay outside it, as does
 * anything under node_modules: their versions are the installation's business, not the module's.
 * An import whose path is computed at run time cannot be followed and is not hashed.
 * Not a loader: the module is imported elsewhere (optimizer-module.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The files of `path`'s closure outside node_modules, relative to its folder ('/'-separated, sorted). */
export async function localImports(path: string): Promise<string[]> {
  const { build } = await import('esbuild'); // loaded only by a command given a module
  const { metafile } = await build({ entryPoints: [path], absWorkingDir: dirname(path), bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  return Object.keys(metafile.inputs)
    .filter((file) => !file.split('/').includes('node_modules'))
    .sort();
}

/**
 * SHA-256 (hex) of the closure: the same files with the same bytes give the same hash on any machine.
 * A module that imports no file of yours is known by its file's SHA-256 alone, as modules were before
 * closures were hashed: study folders and sweeps tied to such a module, and workers started with it,
 * keep matching.
 */
export async function moduleHash(path: string): Promise<string> {
  const files = await localImports(path);
  if (files.length === 1) return createHash('sha256').update(readFileSync(path)).digest('hex');
  const hash = createHash('sha256');
  for (const file of files) {
    const bytes = readFileSync(resolve(dirname(path), file));
    // Length-prefixed, so that no two closures can run together into the same bytes.
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}
