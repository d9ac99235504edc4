/**
 * The study engine. A study is data: a list of phases (each asks for runs, and may look at the
 * results of earlier phases to decide which), and a list of analyses that turn the saved runs into
 * report sections with verdicts. The engine runs what is asked, once per resolved configuration:
 * two labels for the same configuration share one run folder (runs/<label>-<config hash>/). It
 * extends learning-rate grids whose best point sits on an edge, and saves study.json after every
 * run, so a study resumes where it stopped and `optimlab report` re-renders from the folder alone.
 * Phases ask for their independent runs together; the runner (runner.ts) decides how many are made
 * at once: one after the other in this process, or in parallel on a job queue's workers.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, resolveRunConfig, type MoEConfig, type PresetName, type TrainConfig } from '@optimlab/moe-model';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { configKey } from '../config-key.js';
import type { Runner } from '../runner.js';
import { readResult, type Horizon, type RunResult, type RunSpec } from '../runs.js';
import { nextGridPoint } from './lattice.js';
import type { RunRequest, StudyContext, StudyDefinition, StudyEntry, StudyState, StudyView, SweepPoint } from './types.js';

export { configKey } from '../config-key.js';
export * from './lattice.js';
export * from './types.js';

/** Optimizer steps of a horizon on a preset. */
export const stepsOf = (preset: PresetName, horizon: Horizon): number => (typeof horizon === 'number' ? horizon : PRESETS[preset].study[horizon]);

const score = (r: RunResult): number => (r.status === 'finished' && r.finalLoss !== null ? r.finalLoss : Infinity);

export interface EngineOptions {
  readonly dir: string;
  readonly preset: PresetName;
  readonly seeds: number;
  readonly state: StudyState;
  /** Who makes the runs: this process, or workers through a queue. */
  readonly runner: Runner;
  /** Stop after this phase. */
  readonly only?: string;
  /** Model fields that differ from the preset's (a study file's `model`). */
  readonly model?: Partial<MoEConfig>;
}

/** Runs the study's phases (finished runs are found, not run again). */
export async function runPhases(def: StudyDefinition, o: EngineOptions): Promise<void> {
  // One save at a time: runs finish concurrently with a queue.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.catch(() => {}).then(() => writeAtomically(join(o.dir, 'study.json'), JSON.stringify(o.state, null, 2))));
  const remember = (entry: StudyEntry): void => {
    const same = (e: StudyEntry): boolean => e.phase === entry.phase && e.label === entry.label && e.run === entry.run && JSON.stringify(e.tags) === JSON.stringify(entry.tags);
    if (!o.state.entries.some(same)) o.state.entries.push(entry);
  };
  // One folder and one run per configuration, even when two labels ask for it at once.
  const folders = runFolders(o.dir);
  const making = new Map<string, Promise<RunResult>>();
  const ctx: StudyContext = {
    preset: o.preset,
    seeds: o.seeds,
    view: () => studyView(o.dir, o.preset, o.seeds, o.state),
    async record(name, value) {
      o.state.records = { ...o.state.records, [name]: value };
      await save();
    },
    async run(phase, request) {
      // No seed asked: the run config's default seed.
      const train = resolveRunConfig({ preset: o.preset, ...(o.model ? { model: o.model } : {}), optimizer: request.optimizer, steps: stepsOf(o.preset, request.horizon), ...(request.seed === undefined ? {} : { seed: request.seed }) });
      const seed = train.seed;
      // One folder per configuration: named by the first label that asked for it, found by its key.
      const key = configKey(train);
      const slug = `${train.optimizer.name}-${request.label}-${request.horizon}-s${seed}`.replace(/[^a-zA-Z0-9.-]+/g, '_').slice(0, 80);
      const run = folders.get(key) ?? `${slug}-${key}`;
      folders.set(key, run);
      const dir = join(o.dir, 'runs', run);
      // Entries are kept in the order asked. Locally that order is fixed; with a queue, runs asked for
      // after earlier results (grid extensions, later phases) follow the order those results came in.
      remember({ phase, label: request.label, horizon: request.horizon, seed, tags: request.tags ?? {}, run });
      const spec: RunSpec = { id: run, phase, label: request.label, horizon: request.horizon, train };
      const found = readResult(dir, spec);
      if (!found && !making.has(key)) making.set(key, o.runner.run(spec, dir, { profileOptimizerSteps: 3, checkpoint: request.checkpoint ?? false }));
      const result = found ?? (await making.get(key)!);
      await save();
      return result;
    },
    async lrSweep(phase, s) {
      const seeds = s.seeds ?? [42];
      const at = (lr: number, seed: number): RunRequest => ({ label: `lr ${Number(lr.toPrecision(4))}`, horizon: s.horizon, optimizer: { ...s.base, learningRate: Number(lr.toPrecision(4)), ...s.with?.(lr) }, seed, tags: { ...s.tags, sweep: s.name } });
      const point = async (lr: number): Promise<SweepPoint> => {
        const results = await Promise.all(seeds.map((seed) => ctx.run(phase, at(lr, seed))));
        return { lr, results, mean: results.reduce((t, r) => t + score(r), 0) / results.length };
      };
      const points = await Promise.all(s.grid.map(point));
      const cap = s.maxExtensions ?? 3;
      const added: number[] = [];
      let reason = '';
      for (let i = 0; i < cap; i++) {
        const next = nextGridPoint(points.map((p) => ({ lr: p.lr, loss: p.mean })), s.perDecade);
        if (!next) {
          if (added.length) reason += '; now bracketed';
          break;
        }
        if (!reason) reason = `best ${seeds.length > 1 ? 'seed-mean ' : ''}at the ${next.edge} edge; extended ×${next.ratio.toPrecision(3)} per step`;
        const p = await point(next.lr);
        points.push(p);
        added.push(next.lr);
        if (p.results.every((r) => r.status === 'diverged')) {
          reason += `; lr ${next.lr} diverged`;
          break;
        }
        if (i + 1 === cap) reason += `; cap of ${cap} extensions reached`;
      }
      if (added.length) {
        o.state.extensions = [...o.state.extensions.filter((e) => !(e.phase === phase && e.grid === s.name)), { phase, grid: s.name, added, reason }];
        await save();
      }
      return points.sort((a, b) => a.lr - b.lr);
    },
  };
  for (const phase of def.phases) {
    await phase.run(ctx);
    if (o.only === phase.name) break;
  }
}

/** The study's run folders by configuration key (the folder name's last part). */
function runFolders(dir: string): Map<string, string> {
  const root = join(dir, 'runs');
  const folders = existsSync(root) ? readdirSync(root).sort() : [];
  return new Map(folders.map((f) => [f.slice(f.lastIndexOf('-') + 1), f] as const));
}

/** The entries with their results, for analyses (an entry whose run has no result is left out). */
export function studyView(dir: string, preset: PresetName, seeds: number, state: StudyState): StudyView {
  const entries = state.entries.flatMap((e) => {
    const result = readResult(join(dir, 'runs', e.run));
    return result ? [{ ...e, result }] : [];
  });
  // A study with model overrides keeps its model in its settings (its sequence length and vocabulary may differ).
  const model = state.settings['model'] as Partial<MoEConfig> | undefined;
  return { preset, seeds, horizons: PRESETS[preset].study, tokensPerStep: tokensPerStep(preset, model?.seqLen), vocabSize: model?.vocabSize ?? PRESETS[preset].model.vocabSize, entries, extensions: state.extensions, records: state.records ?? {} };
}

/** Tokens one optimizer step of the preset trains on. */
export function tokensPerStep(preset: PresetName, seqLen?: number): number {
  const p = PRESETS[preset];
  return p.batchSize * p.gradAccum * (seqLen ?? p.model.seqLen);
}
