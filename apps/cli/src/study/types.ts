/** The study engine's vocabulary: what a study asks for, what it keeps, and what its analyses return (engine.ts runs it). */
import type { PresetName } from '@optimlab/moe-model';
import type { Horizon, RunResult } from '../runs.js';
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
  /** The model's vocabulary V: ln V, a uniform guess's loss, is what a diverged run counts as. */
  readonly vocabSize: number;
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
  /** The tolerances (in % of the best loss) a claim over thresholds was judged at (default 1, 2 and 5). */
  readonly thresholds?: readonly number[];
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
