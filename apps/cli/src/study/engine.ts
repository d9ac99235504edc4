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
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PRESETS, resolveRunConfig, type PresetName, type TrainConfig } from '@optimlab/moe-model';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import type { Runner } from '../runner.js';
import { readResult, type Horizon, type RunResult, type RunSpec } from '../runs.js';
import type { Verdict } from './stats.js';

export type Tags = Readonly<Record<string, string | number | boolean>>;

export interface RunRequest {
  /** What varies, for tables: "lr 0.07", "momentum 0.95". */
  readonly label: string;
  readonly horizon: Horizon;
  /** The run config's optimizer (registry name, learning rate, schedule, hyperparameters). */
  readonly optimizer: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  /** What analyses select on: { group: 'muon', knob: 'momentum' }. */
  readonly tags?: Tags;
  /** Keep the run's checkpoint (for `optimlab sample`). */
  readonly checkpoint?: boolean;
}

/** One requested run of a phase, as saved in study.json. */
export interface StudyEntry {
  readonly phase: string;
  readonly label: string;
  readonly horizon: Horizon;
  readonly seed: number;
  readonly tags: Tags;
  /** Its folder under runs/ (shared by entries with the same configuration). */
  readonly run: string;
}

/** A grid that was extended because its best point was on an edge. */
export interface GridExtension {
  readonly phase: string;
  readonly grid: string;
  readonly added: number[];
  readonly reason: string;
}

export interface StudyContext {
  readonly preset: PresetName;
  readonly seeds: number;
  /**
   * Runs (or finds) the configuration; the result comes from its folder. Ask for a phase's
   * independent runs together (Promise.all): a queue makes them in parallel.
   */
  run(phase: string, request: RunRequest): Promise<RunResult>;
  /**
   * The learning rates of `grid` on every seed (and, when the best seed-mean is on an edge, further
   * out on the lattice until it is bracketed), sorted by learning rate.
   */
  lrSweep(phase: string, sweep: LrSweep): Promise<SweepPoint[]>;
  /** Every run so far (what later phases choose from). */
  view(): StudyView;
  /** Saves what a phase decided (e.g. a tuning path) in study.json, for the report. */
  record(name: string, value: unknown): Promise<void>;
}

export interface LrSweep {
  readonly name: string;
  readonly base: Readonly<Record<string, unknown>>;
  readonly grid: readonly number[];
  readonly horizon: Horizon;
  /** Every grid point runs on each of these seeds; the grid is judged on their mean (default [42]). */
  readonly seeds?: readonly number[];
  readonly tags?: Tags;
  /** How many points to add at most (default 3). */
  readonly maxExtensions?: number;
  /**
   * Points per decade of the grid's log lattice: an extension is the lattice's next point past the
   * edge (see latticeLr). Without it, the ratio of the two outermost points is repeated.
   */
  readonly perDecade?: number;
  /** Other learning rates scaled along (e.g. the AdamW group's lr/10). */
  readonly with?: (lr: number) => Readonly<Record<string, unknown>>;
}

/** One learning rate of a sweep: its runs (one per seed, in the sweep's seed order) and their mean score. */
export interface SweepPoint {
  readonly lr: number;
  readonly results: readonly RunResult[];
  /** Mean final loss over the seeds; Infinity when any seed diverged. */
  readonly mean: number;
}

export interface Phase {
  readonly name: string;
  readonly summary: string;
  run(ctx: StudyContext): Promise<void>;
}

/** What analyses see: every entry with its result, and the study's settings. */
export interface StudyView {
  readonly preset: PresetName;
  readonly seeds: number;
  readonly horizons: { readonly short: number; readonly long: number };
  /** Tokens one optimizer step trains on (batch × sequence × accumulation). */
  readonly tokensPerStep: number;
  readonly entries: readonly (StudyEntry & { readonly result: RunResult })[];
  readonly extensions: readonly GridExtension[];
  /** What phases recorded (ctx.record), by name. */
  readonly records: Readonly<Record<string, unknown>>;
}

export interface VerdictLine {
  readonly question: string;
  readonly verdict: Verdict;
  readonly evidence: string;
  /** The published finding this checks, e.g. the thesis's. */
  readonly reference?: string;
}

export interface Section {
  readonly title: string;
  readonly markdown: string;
  readonly svgs?: readonly (readonly [file: string, svg: string])[];
  readonly verdict?: VerdictLine;
}

export interface StudyDefinition {
  readonly name: string;
  /**
   * The version of the study's protocol: a folder made under another version is refused (its runs
   * were chosen by other rules). Absent: 1.
   */
  readonly protocol?: number;
  /** One line for `optimlab reproduce --list`. */
  readonly summary: string;
  readonly title: string;
  /** Final-comparison seeds when --seeds is not given. */
  readonly defaultSeeds: (preset: PresetName) => number;
  readonly phases: readonly Phase[];
  readonly analyses: readonly ((view: StudyView) => Section)[];
  /**
   * What the evidence cannot carry (markdown bullets): budgets, bounds, the winner's curse, what not
   * to conclude. The report adds the verdicts that depend on a threshold or are inconclusive.
   */
  readonly threats?: (view: StudyView) => string[];
  /** What the report says the study is, before its sections (markdown). */
  readonly introduction: (view: StudyView) => string;
}

/** The saved state of a study folder (study.json). */
export interface StudyState {
  readonly settings: Record<string, unknown>;
  /** Seeds of the seeded comparisons in the last run of the study. */
  seeds?: number;
  entries: StudyEntry[];
  extensions: GridExtension[];
  /** What phases decided, by name (see StudyContext.record). */
  records?: Record<string, unknown>;
}

/**
 * Where to extend a learning-rate grid: when the lowest loss (Infinity = diverged) is at an edge,
 * one more point beyond it in the ratio of the two outermost points there; undefined when the
 * optimum is inside (bracketed) or nothing converged.
 */
export function nextGridPoint(points: readonly { lr: number; loss: number }[], perDecade?: number): { lr: number; edge: 'top' | 'bottom'; ratio: number } | undefined {
  if (points.length < 2) return undefined;
  const sorted = [...points].sort((a, b) => a.lr - b.lr);
  const best = sorted.reduce((a, b) => (b.loss < a.loss ? b : a));
  if (!Number.isFinite(best.loss)) return undefined;
  const [first, second, last, before] = [sorted[0]!, sorted[1]!, sorted[sorted.length - 1]!, sorted[sorted.length - 2]!];
  if (perDecade) {
    const step = 10 ** (1 / perDecade);
    if (best === last) return { lr: latticeLr(latticeIndex(last.lr, perDecade) + 1, perDecade), edge: 'top', ratio: step };
    if (best === first) return { lr: latticeLr(latticeIndex(first.lr, perDecade) - 1, perDecade), edge: 'bottom', ratio: step };
    return undefined;
  }
  if (best === last) return { lr: Number((last.lr * (last.lr / before.lr)).toPrecision(4)), edge: 'top', ratio: last.lr / before.lr };
  if (best === first) return { lr: Number((first.lr / (second.lr / first.lr)).toPrecision(4)), edge: 'bottom', ratio: second.lr / first.lr };
  return undefined;
}

/**
 * The log lattice every study grid lives on: 10^(k / perDecade), to 3 significant digits. One
 * lattice for every optimizer of a study makes their LR ranges comparable point for point.
 */
export const latticeLr = (k: number, perDecade: number): number => Number((10 ** (k / perDecade)).toPrecision(3));
/** The lattice index nearest to `lr`. */
export const latticeIndex = (lr: number, perDecade: number): number => Math.round(Math.log10(lr) * perDecade);
/** `n` lattice points centred on the one nearest `center` (the lower side gets the extra point when n is even). */
export function latticeAround(center: number, n: number, perDecade: number): number[] {
  const k0 = latticeIndex(center, perDecade) - Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => latticeLr(k0 + i, perDecade));
}

/** Optimizer steps of a horizon on a preset. */
export const stepsOf = (preset: PresetName, horizon: Horizon): number => (typeof horizon === 'number' ? horizon : PRESETS[preset].study[horizon]);

/** A short hash of a resolved configuration: equal configs, equal key. */
export function configKey(config: TrainConfig): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(config))).digest('hex').slice(0, 10);
}

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
      const seed = request.seed ?? 42;
      const train = resolveRunConfig({ preset: o.preset, optimizer: request.optimizer, steps: stepsOf(o.preset, request.horizon), seed });
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
      const found = readResult(dir);
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
  return { preset, seeds, horizons: PRESETS[preset].study, tokensPerStep: tokensPerStep(preset), entries, extensions: state.extensions, records: state.records ?? {} };
}

/** Tokens one optimizer step of the preset trains on. */
export function tokensPerStep(preset: PresetName): number {
  const p = PRESETS[preset];
  return p.batchSize * p.gradAccum * p.model.seqLen;
}
