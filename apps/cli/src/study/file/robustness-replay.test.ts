/**
 * The robustness study is a study file (studies/robustness.yaml): run against the committed results
 * (docs/studies/robustness-cpu), it must ask for exactly the runs those results hold, with the same
 * entries (a runner that would make a new run fails the test), and render the committed summary.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PresetName } from '@optimlab/moe-model';
import type { Runner } from '../../runner.js';
import type { RunSpec } from '../../runs.js';
import { configKey } from '../../config-key.js';
import type { Entry } from '../select.js';
import { runPhases, studyView, type StudyEntry, type StudyState } from '../engine.js';
import { STUDIES } from '../index.js';
import { readRawView } from '../raw-data.js';
import { writeStudyReport } from '../report.js';

const committed = fileURLToPath(new URL('../../../../../docs/studies/robustness-cpu', import.meta.url));

describe('the robustness study file', () => {
  it('asks for exactly the committed runs of docs/studies/robustness-cpu and renders its summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-robust-replay-'));
    cpSync(committed, dir, { recursive: true });
    const state = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as StudyState;
    const preset = (state.settings as { preset: PresetName }).preset;
    const seeds = state.seeds ?? 3;
    const runs = readRawView(dir, studyView(dir, preset, seeds, { ...state, entries: [] })).entries;
    // The registry has gained knobs since (Muon's split, heads), so config keys moved: a committed run
    // answers a request when every knob it recorded has the requested value, and so do lr, seed and horizon.
    const same = (spec: RunSpec, e: Entry): boolean =>
      e.seed === spec.train.seed && e.horizon === spec.horizon && Object.entries(e.result.optimizer).every(([k, v]) => (spec.train.optimizer as Record<string, unknown>)[k] === v);
    const used = new Set<string>();
    let calls = 0;
    const runner: Runner = {
      async run(spec, folder) {
        calls++;
        const found = runs.find((e) => same(spec, e));
        if (!found) throw new Error(`would make a new run: ${spec.id}`);
        used.add(found.run);
        // Written as a run of today's code writes its folder (config.json, and the result with its
        // config key), so the study's view and a resume find it its own.
        const result = { ...found.result, id: spec.id, configKey: configKey(spec.train) };
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'config.json'), JSON.stringify(spec.train));
        writeFileSync(join(folder, 'result.json'), JSON.stringify(result));
        return result;
      },
      close: async () => {},
    };
    const key = (e: StudyEntry): string => JSON.stringify([e.phase, e.label, e.horizon, e.seed, e.tags]);
    const before = state.entries.map(key).sort();
    state.entries = [];
    await runPhases(STUDIES['robustness']!, { dir, preset, seeds, state, runner });
    // Every entry asked for is a committed one. The committed folder has 15 more: one more lattice step
    // out on two grids, and the f* check at the new top. The code-defined study this file replaced asks
    // for the same 135 from an empty folder; its edge-step loop read the folder's own earlier edge points
    // and so went one step further on every resume, which is most likely where the 15 came from (the
    // loop now counts only the points it asked for: see the second pass below).
    const after = state.entries.map(key);
    expect(after.filter((k) => !before.includes(k))).toEqual([]);
    const missing = before.filter((k) => !after.includes(k)).map((k) => JSON.parse(k) as [string, string, string, number, Record<string, unknown>]);
    expect([...new Set(missing.map(([phase, label, , , tags]) => `${phase} ${String(tags['contestant'])} ${label}`))].sort()).toEqual([
      'grids muon lr 0.00562', 'grids muon lr 0.562', 'grids muonmax-momo lr 1.78', 'grids muonmax-momo lr 3.16', 'sensitivity muonmax-momo-f2 lr 3.16, f* 2',
    ]);
    expect(used.size).toBe(after.length);
    // Resumed, the study asks for nothing more: no run is made again.
    const count = calls;
    await runPhases(STUDIES['robustness']!, { dir, preset, seeds, state, runner });
    expect(state.entries.map(key)).toEqual(after);
    expect(calls).toBe(count);
    // The report from the committed CSVs is the committed summary (past the header, which names model and data).
    rmSync(join(dir, 'runs'), { recursive: true });
    const committedState = JSON.parse(readFileSync(join(committed, 'study.json'), 'utf8')) as StudyState;
    const text = await writeStudyReport(dir, STUDIES['robustness']!, readRawView(dir, studyView(dir, preset, seeds, committedState)), { model: '', corpus: '', tokenizer: '' });
    const expected = readFileSync(join(committed, 'summary.md'), 'utf8');
    expect(text.slice(text.indexOf('## Verdicts'))).toBe(expected.slice(expected.indexOf('## Verdicts')));
  }, 120_000);
});
