/**
 * What the thesis study runs (shared/reference/thesis.md): its two contestants with their knobs, the
 * plan of each preset, and its questions as the question kinds a study file uses — a final comparison
 * and a token speedup on the fair protocol (questions/fair-comparison.ts: tune, balance, final) —
 * plus the thesis's own one-factor checks (warmup flipped, 3 Newton–Schulz steps). The analyses that
 * read them are in thesis.ts and thesis-checks.ts.
 *
 * Every choice is made at the long horizon (the one the headline is judged at), on the tuning
 * seeds; the headline and every check run on fresh seeds, seed-matched across configurations so
 * that they compare as pairs.
 */
import type { PresetName } from '@optimlab/moe-model';
import { THESIS_FINAL } from '../thesis-figures.js';
import type { Phase } from './engine.js';
import { latticeAround } from './engine.js';
import { gridSchema, tuningSchema } from './file/schema.js';
import { CHECK_SEEDS, fairPhases, tuningOf, type SpeedupQuestion } from './questions/fair-comparison.js';
import type { FinalQuestion } from './questions/final-comparison.js';
import { freshSeeds, type Plan, type Player } from './questions/plan.js';
import type { Knob } from './tuning.js';

/** The study's LR lattice: 4 points per decade (0.25 decades apart) for both optimizers. */
export const PER_DECADE = 4;
/** The headline rests on at least this many seed pairs. */
const HEADLINE_SEEDS = 5;

/** The thesis's bases (its muon_optimal and adam_optimal before tuning, in our registry's terms). */
const MUON_BASE = { name: 'muon+adamw', momentum: 0.9, nesterov: true, nsSteps: 5, adamwWeightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };
const ADAM_BASE = { name: 'adamw', b1: 0.9, b2: 0.999, weightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };
const withAdamW = (lr: number) => ({ adamwLearningRate: Number((lr / 10).toPrecision(4)) });

/**
 * Knobs both get, in this order: the schedule (each alternative with its own LR), warmup, then
 * momentum / β2. The alternatives are the ones the thesis's findings are about (linear and constant
 * against cosine, no warmup, the higher momentum); a wider set did not fit the cpu study's ~90 minutes.
 */
const SCHEDULES: Knob = { name: 'schedule', ownLr: true, alternatives: [{ label: 'linear', change: { schedule: 'linear' } }, { label: 'constant', change: { schedule: 'constant' } }] };
const WARMUP: Knob = { name: 'warmup', alternatives: [{ label: 'warmup 0', change: { warmupRatio: 0 } }] };

export type Key = 'muon' | 'adam';
export const KEYS: readonly Key[] = ['muon', 'adam'];

/** A contestant whose grid is the lattice around `center`; on smoke, every other point of it (a plumbing check, not evidence). */
function player(key: Key, name: string, color: string, base: Record<string, unknown>, center: number, knobs: readonly Knob[], preset: PresetName, with_?: Player['with']): Player {
  return {
    key, name, color, base,
    ...(with_ ? { with: with_ } : {}),
    knobs: (max) => knobs.map((k) => ({ ...k, alternatives: k.alternatives.slice(0, max) })),
    grid: (perDecade) => latticeAround(center, 4, perDecade).filter((_, i) => preset !== 'smoke' || i % 2 === 1),
  };
}

export const playersOn = (preset: PresetName): Record<Key, Player> => ({
  muon: player('muon', 'Muon+AdamW', '#d62728', MUON_BASE, 0.07, [SCHEDULES, WARMUP, { name: 'momentum', alternatives: [{ label: 'momentum 0.95', change: { momentum: 0.95 } }] }], preset, withAdamW),
  adam: player('adam', 'AdamW', '#1f77b4', ADAM_BASE, 0.003, [SCHEDULES, WARMUP, { name: 'β2', alternatives: [{ label: 'β2 0.95', change: { b2: 0.95 } }] }], preset),
});
const PLAYERS = playersOn('thesis');
export const NAME: Record<Key, string> = { muon: PLAYERS.muon.name, adam: PLAYERS.adam.name };
export const COLOR: Record<Key, string> = { muon: PLAYERS.muon.color, adam: PLAYERS.adam.color };
/** The players by key, as the question kinds' sections take them. */
export const playerMap = (preset: PresetName): ReadonlyMap<string, Player> => new Map(Object.entries(playersOn(preset)));

/** Every choice on 3 tuning seeds (2 on smoke), the LR grid extended at most 3 times (once on smoke). */
export function planOn(preset: PresetName, seeds: number): Plan {
  const smoke = preset === 'smoke';
  return {
    seeds,
    tuning: tuningSchema.parse({ seeds: smoke ? 2 : 3, horizon: 'long', perDecade: PER_DECADE, maxExtensions: smoke ? 1 : 3, ...(smoke ? { maxAlternatives: 1 } : {}) }),
    grid: gridSchema.parse({}),
  };
}

/** Q1 as a final comparison: the headline. */
export const Q1: FinalQuestion = {
  kind: 'final-comparison', contestant: 'muon', baseline: 'adam', minPairs: HEADLINE_SEEDS,
  title: 'Q1. Does Muon beat AdamW in validation loss at equal steps on an MoE transformer?',
  question: 'Q1 Muon beats AdamW at equal steps',
  reference: `holds: ${THESIS_FINAL.muonLong} vs ${THESIS_FINAL.adamLong} at 500 micro-steps`,
};
/** Muon's advantage as a token speedup over AdamW's loss-vs-tokens curve. */
export const SPEEDUP: SpeedupQuestion = {
  kind: 'token-speedup', contestant: 'muon', baseline: 'adam',
  title: 'Token speedup: how many fewer tokens Muon needs to reach AdamW’s loss',
  reference: 'Wen et al. 2025: 1.2–1.4× for Muon at 0.1–0.5B parameters',
};

/** The thesis's one-factor checks from each tuned config, on the first fresh seeds (paired with its finals there). */
const CHECKS: Phase = {
  name: 'checks',
  summary: 'one factor from each tuned config on the first fresh seeds: warmup flipped, and Muon with 3 Newton–Schulz steps',
  async run(ctx) {
    const view = ctx.view();
    const seeds = freshSeeds(ctx.seeds).slice(0, CHECK_SEEDS);
    const jobs: Promise<unknown>[] = [];
    for (const key of KEYS) {
      const config = tuningOf(view, key)?.config;
      if (!config) continue;
      const check = (label: string, change: Record<string, unknown>) => seeds.forEach((seed) => jobs.push(ctx.run('checks', { label, horizon: 'long', optimizer: { ...config, ...change }, seed, tags: { group: key, check: label } })));
      const warm = Number(config['warmupRatio']) > 0;
      check(warm ? 'warmup 0' : 'warmup 0.05', { warmupRatio: warm ? 0 : 0.05 });
      if (key === 'muon') check('ns 3', { nsSteps: 3 });
    }
    await Promise.all(jobs);
  },
};

/** The fair protocol's phases (the players of the preset a run is on), then the checks. */
export const THESIS_PHASES: Phase[] = [...fairPhases((preset) => Object.values(playersOn(preset)), [SPEEDUP], (c) => planOn(c.preset, c.seeds)), CHECKS];
