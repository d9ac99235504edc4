/**
 * Replays a study definition against a committed study folder: a runner that serves the committed
 * results and fails on any run the folder does not hold. Used to show that a study's code (or file)
 * asks for exactly the runs its committed evidence holds, and renders that evidence as committed.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PresetName } from '@optimlab/moe-model';
import type { Runner } from '../runner.js';
import type { RunSpec } from '../runs.js';
import { configKey } from '../config-key.js';
import type { Entry } from './select.js';
import { runPhases, studyView, type StudyDefinition, type StudyEntry, type StudyState } from './engine.js';
import { readRawView } from './raw-data.js';
import { writeStudyReport } from './report.js';

export interface Replay {
  /** A copy of the committed folder, where the replay ran. */
  readonly dir: string;
  /** The entries the committed study.json holds, and those the replay asked for (as entryKey). */
  readonly before: string[];
  readonly after: string[];
  /** Committed runs the replay used. */
  readonly used: ReadonlySet<string>;
  /** Runner calls so far (a resume that asks for nothing adds none). */
  calls(): number;
  /** Runs the study's phases again in the same folder (a resume). */
  resume(): Promise<string[]>;
  /** The report from the committed CSVs, of the replayed entries (or of the committed study.json's). */
  render(entries?: 'replayed' | 'committed'): Promise<string>;
}

export const entryKey = (e: StudyEntry): string => JSON.stringify([e.phase, e.label, e.horizon, e.seed, e.tags]);

export async function replay(study: StudyDefinition, committed: string): Promise<Replay> {
  const dir = mkdtempSync(join(tmpdir(), `optimlab-replay-${study.name}-`));
  cpSync(committed, dir, { recursive: true });
  const state = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as StudyState;
  const preset = (state.settings as { preset: PresetName }).preset;
  const seeds = state.seeds ?? study.defaultSeeds(preset);
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
  const before = state.entries.map(entryKey).sort();
  state.entries = [];
  await runPhases(study, { dir, preset, seeds, state, runner });
  const after = state.entries.map(entryKey);
  return {
    dir, before, after, used,
    calls: () => calls,
    async resume() {
      await runPhases(study, { dir, preset, seeds, state, runner });
      return state.entries.map(entryKey);
    },
    async render(entries = 'replayed') {
      rmSync(join(dir, 'runs'), { recursive: true, force: true });
      const from = entries === 'replayed' ? state : (JSON.parse(readFileSync(join(committed, 'study.json'), 'utf8')) as StudyState);
      return writeStudyReport(dir, study, readRawView(dir, studyView(dir, preset, seeds, from)), { model: '', corpus: '', tokenizer: '' });
    },
  };
}

/** A summary from its verdicts on (the header names model and data, which a replay does not know). */
export const fromVerdicts = (text: string): string => text.slice(text.indexOf('## Verdicts'));
