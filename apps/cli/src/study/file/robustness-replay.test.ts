/**
 * The robustness study is a study file (studies/robustness.yaml): run against the committed results
 * (docs/studies/robustness-cpu), it must ask for exactly the runs those results hold, with the same
 * entries (a runner that would make a new run fails the test), and render the committed summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STUDIES } from '../index.js';
import { fromVerdicts, replay } from '../replay.test-helper.js';

const committed = fileURLToPath(new URL('../../../../../docs/studies/robustness-cpu', import.meta.url));

describe('the robustness study file', () => {
  it('asks for exactly the committed runs of docs/studies/robustness-cpu and renders its summary', async () => {
    const r = await replay(STUDIES['robustness']!, committed);
    // Every entry asked for is a committed one. The committed folder has 15 more: one more lattice step
    // out on two grids, and the f* check at the new top. The code-defined study this file replaced asks
    // for the same 135 from an empty folder; its edge-step loop read the folder's own earlier edge points
    // and so went one step further on every resume, which is most likely where the 15 came from (the
    // loop now counts only the points it asked for: see the second pass below).
    expect(r.after.filter((k) => !r.before.includes(k))).toEqual([]);
    const missing = r.before.filter((k) => !r.after.includes(k)).map((k) => JSON.parse(k) as [string, string, string, number, Record<string, unknown>]);
    expect([...new Set(missing.map(([phase, label, , , tags]) => `${phase} ${String(tags['contestant'])} ${label}`))].sort()).toEqual([
      'grids muon lr 0.00562', 'grids muon lr 0.562', 'grids muonmax-momo lr 1.78', 'grids muonmax-momo lr 3.16', 'sensitivity muonmax-momo-f2 lr 3.16, f* 2',
    ]);
    expect(r.used.size).toBe(r.after.length);
    // Resumed, the study asks for nothing more: no run is made again.
    const count = r.calls();
    expect(await r.resume()).toEqual(r.after);
    expect(r.calls()).toBe(count);
    // The report from the committed CSVs and study.json is the committed summary.
    expect(fromVerdicts(await r.render('committed'))).toBe(fromVerdicts(readFileSync(join(committed, 'summary.md'), 'utf8')));
  }, 120_000);
});
