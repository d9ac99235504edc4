/** What the thesis study's sections share: its two contestants, their runs, seed pairs. */
import type { StudyView } from './engine.js';
import { pick, score, type Entry } from './select.js';
import { comparePaired, type Comparison } from './stats.js';
import { CONTESTANTS } from './thesis-plan.js';

export type Key = 'muon' | 'adam';
export const KEYS: readonly Key[] = ['muon', 'adam'];
export const NAME: Record<Key, string> = { muon: CONTESTANTS.muon.name, adam: CONTESTANTS.adam.name };
export const COLOR: Record<Key, string> = { muon: '#d62728', adam: '#1f77b4' };

/** The final runs of a group on the fresh seeds, by seed. */
export const finals = (view: StudyView, key: Key): Entry[] => pick(view, { group: key, final: true }).sort((a, b) => a.seed - b.seed);
/** The runs of the LR sweep of the tuning (every lattice point on every tuning seed). */
export const lrSweepRuns = (view: StudyView, key: Key): Entry[] => pick(view, { group: key, tune: 'lr', phase: 'tune' });

/** Seed-matched losses of two groups of runs: the seeds both have, in order. */
export function pairs(a: readonly Entry[], b: readonly Entry[]): [number[], number[]] {
  const seeds = a.map((e) => e.seed).filter((s) => b.some((x) => x.seed === s));
  const at = (es: readonly Entry[], s: number) => score(es.find((e) => e.seed === s)!.result);
  const both = seeds.filter((s) => Number.isFinite(at(a, s)) && Number.isFinite(at(b, s)));
  return [both.map((s) => at(a, s)), both.map((s) => at(b, s))];
}
/** Seed pairs of two groups (pairs where either run diverged are left out: see divergedIn). */
export const paired = (a: readonly Entry[], b: readonly Entry[]): Comparison => comparePaired(...pairs(a, b));
/** How many of a group's runs diverged. */
export const divergedIn = (es: readonly Entry[]): number => es.filter((e) => !Number.isFinite(score(e.result))).length;
/** The headline rests on at least this many seed pairs. */
export const HEADLINE_SEEDS = 5;
/** One entry per seed (a run two phases asked for counts once). */
export const dedupe = (es: readonly Entry[]): Entry[] => es.filter((e, i) => es.findIndex((x) => x.seed === e.seed) === i);
