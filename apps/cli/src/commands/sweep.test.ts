/**
 * `optimlab sweep --optimizer-module`: a module's optimizer is a name the grid's configs are checked
 * against, so it must be loaded before the first check. No runs here: the grid is only expanded,
 * and the command stops at the queue it cannot reach (after every input check, before any GPU work).
 * Test files share one process and so one registry: the module the command loads has a name of
 * this file's own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { cli } from '../cli.js';
import { loadOptimizerModule } from '../optimizer-module.js';
import { expandGrid, parseGrid } from './sweep.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'my-optimizer.ts');
const grid = (optimizer: string): ReturnType<typeof expandGrid> => expandGrid(parseGrid('lr=0.01,0.02'), { optimizer: { name: optimizer } }, { optimizer }, 'smoke');

describe('sweep with an optimizer module', () => {
  it('validates a grid over the example module’s spectral-muon+adamw', async () => {
    await loadOptimizerModule(example, '--optimizer-module');
    expect(grid('spectral-muon+adamw').map((r) => [r.label, r.config.optimizer.name, r.config.optimizer.learningRate])).toEqual([
      ['lr 0.01', 'spectral-muon+adamw', 0.01],
      ['lr 0.02', 'spectral-muon+adamw', 0.02],
    ]);
  });

  it('optimlab sweep loads --optimizer-module before it checks the grid', async () => {
    // Duck-typed like a defineOptimizer entry (a module in a temporary folder cannot import @optimlab/optim).
    const module = join(mkdtempSync(join(tmpdir(), 'optimlab-sweep-module-')), 'sweep-only.mjs');
    writeFileSync(module, "export const MINE = { name: 'sweep-only', summary: '', learningRate: 0.01, reference: '', params: 'any', needsLoss: false, hyper: { shape: {}, safeParse: () => ({ success: true, data: {} }) }, build: () => { throw new Error('not built'); }, create: () => { throw new Error('not built'); } };\n");
    expect(() => grid('sweep-only')).toThrow(/unknown optimizer "sweep-only"/);
    const stderr: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
    try {
      expect(await cli(['sweep', '--grid', 'lr=0.01,0.02', '--optimizer-module', module, '--optimizer', 'sweep-only', '--preset', 'smoke', '--queue', 'redis://127.0.0.1:1'])).toBe(2);
    } finally {
      err.mockRestore();
    }
    // Refused only where the queue is reached: the module was loaded and every configuration checked.
    expect(stderr).toEqual([expect.stringMatching(/^optimlab sweep: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 /)]);
  });
});
