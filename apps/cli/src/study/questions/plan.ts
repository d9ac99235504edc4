/**
 * What every question kind reads from a study file: its contestants in engine terms (base config,
 * learning-rate start, the AdamW group's ratio, knobs to tune), and the plan of a preset (the file's
 * settings with that preset's overrides). No runs here: the question kinds ask for them.
 */
import type { PresetName } from '@optimlab/moe-model';
import { latticeAround, latticeLr } from '../engine.js';
import type { ContestantFile, StudyFile } from '../file/schema.js';
import type { Knob } from '../tuning.js';

/** A study file's settings on one preset. */
export interface Plan {
  /** Fresh seeds of the final comparisons and checks (2000 onwards). */
  readonly seeds: number;
  readonly tuning: StudyFile['tuning'];
  readonly grid: StudyFile['grid'];
}

export function planOf(file: StudyFile, preset: PresetName): Plan {
  const o = file.byPreset[preset] ?? {};
  return { seeds: o.seeds ?? file.seeds, tuning: { ...file.tuning, ...o.tuning }, grid: { ...file.grid, ...o.grid } };
}

/** Fresh seeds: never used for a choice. */
export const freshSeeds = (n: number): number[] => Array.from({ length: n }, (_, i) => 2000 + i);
/** Tuning seeds: every choice is made on their mean. */
export const tuningSeeds = (n: number): number[] => Array.from({ length: n }, (_, i) => 1000 + i);

const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** A contestant as the question kinds use it. */
export interface Player {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /** The fixed optimizer config (no learning rate). */
  readonly base: Readonly<Record<string, unknown>>;
  /** The AdamW group's learning rate scaled along with the main one (a +adamw split with adamwRatio). */
  readonly with?: (lr: number) => Readonly<Record<string, unknown>>;
  /** The knobs to tune, in order, at most `maxAlternatives` each. */
  knobs(maxAlternatives?: number): Knob[];
  /** The first LR grid on a lattice of `perDecade` points per decade. */
  grid(perDecade: number): number[];
}

/** The lattice points from `from` to `to` (inclusive). */
export function latticeRange(from: number, to: number, perDecade: number): number[] {
  const [lo, hi] = [Math.ceil(Math.log10(from) * perDecade - 1e-9), Math.floor(Math.log10(to) * perDecade + 1e-9)];
  return Array.from({ length: Math.max(0, hi - lo + 1) }, (_, i) => latticeLr(lo + i, perDecade));
}

export function playerOf(c: ContestantFile, index: number): Player {
  const ratio = c.adamwRatio;
  return {
    key: c.key,
    name: c.name ?? c.key,
    color: c.color ?? PALETTE[index % PALETTE.length]!,
    base: c.optimizer,
    ...(ratio === undefined ? {} : { with: (lr: number) => ({ adamwLearningRate: Number((lr * ratio).toPrecision(3)) }) }),
    knobs: (max) =>
      Object.entries(c.tune ?? {}).map(([knob, values]) => ({
        name: knob,
        ownLr: knob === 'schedule',
        alternatives: values.slice(0, max ?? values.length).map((v) => ({ label: `${knob} ${String(v)}`, change: { [knob]: v } })),
      })),
    grid: (perDecade) => ('from' in c.lr ? latticeRange(c.lr.from, c.lr.to, perDecade) : latticeAround(c.lr.center, c.lr.points, perDecade)),
  };
}
