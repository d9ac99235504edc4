/**
 * The consumer test: the packed tarballs installed with npm outside the workspace, then used as an
 * outside user would: Node ESM and CommonJS scripts taking Adam and Muon steps on the GPU (Dawn),
 * a TypeScript consumer typechecked under NodeNext and Bundler resolution, and a browser bundle
 * (esbuild, no Node externals) that takes the same steps in headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, pageLog, serveFolder } from '@optimlab/chromium';
import { packAndInstall, WORKSPACE, type Installed } from './pack.js';

const here = dirname(fileURLToPath(import.meta.url));
const runSteps = readFileSync(join(here, 'fixture', 'run-steps.js'), 'utf8');

interface StepsResult {
  adapter: string;
  variant: string;
  losses: { adam: number[]; muon: number[] };
}

let app: Installed;
let nodeResult: StepsResult;

function node(file: string): StepsResult {
  const out = execFileSync(process.execPath, [file], { cwd: app.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim().split('\n').pop()!) as StepsResult;
}

function expectTraining(result: StepsResult): void {
  for (const name of ['adam', 'muon'] as const) {
    const losses = result.losses[name];
    expect(losses).toHaveLength(20);
    expect(losses.every(Number.isFinite), `${name}: ${losses.join(', ')}`).toBe(true);
    expect(losses[19]!, `${name} loss falls: ${losses[0]} → ${losses[19]}`).toBeLessThan(0.5 * losses[0]!);
  }
}

/** |a − e| ≤ 1e-6 + 1e-4·|e| elementwise: float32 rounding of the same arithmetic in another order. */
export function expectClose(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const worst = actual.reduce((w, a, i) => Math.max(w, Math.abs(a - expected[i]!) - (1e-6 + 1e-4 * Math.abs(expected[i]!))), -Infinity);
  expect(worst, `${what}:\n  got      ${actual.join(', ')}\n  expected ${expected.join(', ')}`).toBeLessThanOrEqual(0);
}

beforeAll(() => {
  app = packAndInstall();
}, 600_000);

afterAll(() => {
  if (app && !process.env['OPTIMLAB_KEEP_CONSUMER']) rmSync(dirname(app.dir), { recursive: true, force: true });
});

describe('packed tarballs installed with npm', () => {
  it('hold dist, README and LICENSE, and no tests, sources or references', () => {
    for (const tarball of Object.keys(app.tarballs)) {
      const files = execFileSync('tar', ['-tzf', join(dirname(app.dir), 'tarballs', tarball)], { encoding: 'utf8' }).split('\n').filter(Boolean);
      expect(files, tarball).toContain('package/README.md');
      expect(files, tarball).toContain('package/LICENSE');
      expect(files, tarball).toContain('package/dist/index.js');
      expect(files, tarball).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => /\.test\.|\/src\/|setup\.(js|d\.ts)$|\.map$/.test(f)), tarball).toEqual([]);
      if (!tarball.includes('tensor-wgpu')) expect(files.filter((f) => f.includes('.ref.')), tarball).toEqual([]);
    }
  });

  it('give a browser user no Dawn: webgpu is an optional peer', () => {
    expect(app.browserInstall).toContain('@optimlab/tensor-wgpu');
    expect(app.browserInstall).not.toContain('webgpu');
  });

  it('take Adam and Muon steps from a Node ESM script', () => {
    const file = join(app.dir, 'steps.mjs');
    writeFileSync(file, [
      "import * as tw from '@optimlab/tensor-wgpu';",
      "import * as optim from '@optimlab/optim';",
      "import { writeAtomically } from '@optimlab/tensor-wgpu/node';",
      "import { makeConfig } from '@optimlab/moe-model';",
      "import { train } from '@optimlab/moe-model/node';",
      "if (typeof writeAtomically !== 'function' || typeof train !== 'function' || makeConfig('smoke').nLayers !== 2) throw new Error('missing exports');",
      "if (tw.autotuneMode() !== 'off') throw new Error('the autotuner is on: run with OPTIMLAB_AUTOTUNE=off, as the rest of the suite');",
      runSteps,
      'const result = await runSteps(tw, optim);',
      'await tw.destroyDevice();',
      'console.log(JSON.stringify(result));',
    ].join('\n'));
    nodeResult = node(file);
    expectTraining(nodeResult);
  });

  it('take the same steps from a CommonJS script (require)', () => {
    const file = join(app.dir, 'steps.cjs');
    writeFileSync(file, [
      "const tw = require('@optimlab/tensor-wgpu');",
      "const optim = require('@optimlab/optim');",
      runSteps,
      'runSteps(tw, optim).then(async (result) => { await tw.destroyDevice(); console.log(JSON.stringify(result)); });',
    ].join('\n'));
    const result = node(file);
    expectTraining(result);
    expect(result.losses).toEqual(nodeResult.losses); // same device, same seeds: bit-identical
  });

  it.each(['NodeNext', 'Bundler'])('typecheck a TypeScript consumer under moduleResolution %s', (resolution) => {
    const files = resolution === 'NodeNext' ? ['consumer.mts'] : ['consumer.mts', 'consumer-dom.mts'];
    for (const f of files) writeFileSync(join(app.dir, f), readFileSync(join(here, 'fixture', f)));
    const config = {
      compilerOptions: {
        target: 'ES2022', lib: resolution === 'NodeNext' ? ['ES2022'] : ['ES2022', 'DOM'],
        module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext', moduleResolution: resolution, strict: true, noEmit: true,
        types: resolution === 'NodeNext' ? ['node'] : [],
      },
      files,
    };
    writeFileSync(join(app.dir, `tsconfig.${resolution}.json`), JSON.stringify(config, null, 2));
    const tsc = join(WORKSPACE, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: app.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      output = `${(err as { stdout: string }).stdout}${(err as { stderr: string }).stderr}`;
    }
    expect(output).toBe('');
  });

  it('bundle for the browser with no Node externals and take the same steps in Chromium', async () => {
    const page = join(app.dir, 'page');
    writeFileSync(join(app.dir, 'browser.mjs'), [
      "import * as tw from '@optimlab/tensor-wgpu';",
      "import * as optim from '@optimlab/optim';",
      runSteps,
      'window.stepsResult = runSteps(tw, optim).catch((err) => ({ error: String(err && err.stack || err) }));',
    ].join('\n'));
    const result = await build({
      entryPoints: [join(app.dir, 'browser.mjs')], absWorkingDir: app.dir, outfile: join(page, 'bundle.js'),
      bundle: true, platform: 'browser', format: 'esm', minify: true, logLevel: 'silent', metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((f) => f.startsWith('node:') || f.includes('node_modules/webgpu/'))).toEqual([]);
    writeFileSync(join(page, 'index.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="bundle.js"></script>');

    const server = await serveFolder(page);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const log = pageLog(tab);
      await tab.goto(server.url);
      const inBrowser = (await tab.evaluate('window.stepsResult')) as StepsResult & { error?: string };
      expect(inBrowser.error, `${inBrowser.error}\n${log.join('\n')}`).toBeUndefined();
      expectTraining(inBrowser);
      // Another adapter (SwiftShader vs Dawn's) sums in another order: equal to float32 rounding.
      for (const name of ['adam', 'muon'] as const) {
        expectClose(inBrowser.losses[name], nodeResult.losses[name], `${name} in Chromium (${inBrowser.adapter}) vs Node (${nodeResult.adapter})`);
      }
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
