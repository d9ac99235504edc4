import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localImports, moduleHash } from './module-hash.js';
import { loadOptimizerModule } from './optimizer-module.js';

const root = mkdtempSync(join(tmpdir(), 'optimlab-module-hash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A module (duck-typed like a defineOptimizer entry) that imports a helper of its own, a package by name and a file under node_modules by path. */
function moduleFolder(name: string, helper: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'lib'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(dir, 'lib', 'helper.mjs'), helper);
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.mjs'), 'export const dep = 1;\n');
  writeFileSync(join(dir, 'node_modules', 'dep', 'package.json'), '{ "name": "dep", "type": "module", "exports": "./index.mjs" }\n');
  writeFileSync(
    join(dir, 'my-opt.mjs'),
    [
      "import { lr } from './lib/helper.mjs';",
      "import { dep } from './node_modules/dep/index.mjs';",
      "import * as pkg from 'dep';",
      `export const MINE = { name: '${name}', summary: String(pkg.dep + dep), learningRate: lr, reference: '', params: 'any', needsLoss: false, hyper: { shape: {}, safeParse: () => ({ success: true, data: {} }) }, build: () => { throw new Error('not built'); }, create: () => { throw new Error('not built'); } };`,
      '',
    ].join('\n'),
  );
  return join(dir, 'my-opt.mjs');
}

describe('moduleHash: the module and the files of yours it imports', () => {
  it('follows relative imports, leaving out packages and node_modules', async () => {
    expect(await localImports(moduleFolder('closure', 'export const lr = 0.01;\n'))).toEqual(['lib/helper.mjs', 'my-opt.mjs']);
  });

  it('changes when only an imported helper changes, and not with the folder the files lie in', async () => {
    const a = moduleFolder('mod-a', 'export const lr = 0.01;\n');
    const same = join(root, 'elsewhere');
    cpSync(join(root, 'mod-a'), same, { recursive: true });
    const b = moduleFolder('mod-a-again', 'export const lr = 0.02;\n');
    const hashA = await moduleHash(a);
    expect(hashA).toMatch(/^[0-9a-f]{64}$/);
    expect(await moduleHash(join(same, 'my-opt.mjs'))).toBe(hashA);
    // Same module text but for its optimizer's name: copy a's module over b's, so only the helper differs.
    cpSync(a, b);
    expect(await moduleHash(b)).not.toBe(hashA);
  });

  it("of a module that imports no file of yours is its file's SHA-256 (as before closures were hashed)", async () => {
    const path = join(root, 'single.mjs');
    writeFileSync(path, "import * as z from 'node:path';\nexport const x = z.sep;\n");
    expect(await localImports(path)).toEqual(['single.mjs']);
    expect(await moduleHash(path)).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
  });

  it('is the hash a loaded module is known by (the worker and the coordinator both load it)', async () => {
    const path = moduleFolder('loaded-opt', 'export const lr = 0.03;\n');
    const module = await loadOptimizerModule(path, '--optimizer-module');
    expect(module.names).toEqual(['loaded-opt']);
    expect(module.hash).toBe(await moduleHash(path));
  });
});
