/**
 * `optimlab sweep --optimizer-module`: a module's optimizer is a name the grid's configs are checked
 * against, so it must be loaded before the first check. No runs here: the grid is only expanded,
 * and the command stops at the queue it cannot reach (after every input check, before any GPU work).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { cli } from '../cli.js';
import { expandGrid, parseGrid } from './sweep.js';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'my-optimizer.ts');
const flags = { optimizer: 'spectral-muon+adamw' };
const grid = (): ReturnType<typeof expandGrid> => expandGrid(parseGrid('lr=0.01,0.02 nsSteps=4'), { optimizer: { name: 'spectral-muon+adamw' } }, flags, 'smoke');

describe('sweep with an optimizer module', () => {
  it('a grid over the example module’s spectral-muon is refused without the module, and passes every input check once --optimizer-module loads it', async () => {
    expect(grid).toThrow(/unknown optimizer "spectral-muon\+adamw"/);
    const stderr: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
    try {
      const code = await cli(['sweep', '--grid', 'lr=0.01,0.02 nsSteps=4', '--optimizer-module', example, '--optimizer', 'spectral-muon+adamw', '--preset', 'smoke', '--queue', 'redis://127.0.0.1:1']);
      expect(code).toBe(2);
    } finally {
      err.mockRestore();
    }
    // Refused only where the queue is reached: the module was loaded and every configuration checked.
    expect(stderr).toEqual([expect.stringMatching(/^optimlab sweep: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 /)]);
    expect(grid().map((r) => [r.label, r.config.optimizer.name, r.config.optimizer.learningRate])).toEqual([
      ['lr 0.01, nsSteps 4', 'spectral-muon+adamw', 0.01],
      ['lr 0.02, nsSteps 4', 'spectral-muon+adamw', 0.02],
    ]);
  });
});
