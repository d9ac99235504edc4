/**
 * What the thesis study runs (shared/reference/thesis.md, on the fair protocol of tuning.ts): the
 * two contestants with their knobs, the seeds, the token budgets and the one-factor checks, and the
 * phases that ask for those runs. The analyses that read them are in thesis.ts.
 *
 * Every choice is made at the long horizon (the one the headline is judged at), on the tuning
 * seeds; the headline and every check run on fresh seeds, seed-matched across configurations so
 * that they compare as pairs.
 */
import type { PresetName } from '@optimlab/moe-model';
import type { Phase, StudyContext, StudyView, Tags } from './engine.js';
import { latticeAround } from './engine.js';
import { pick } from './select.js';
import { bestLrNear, topUp, tune, type Contestant, type Tuning } from './tuning.js';

/** The study's LR lattice: 4 points per decade (0.25 decades apart) for both optimizers. */
export const PER_DECADE = 4;

/** The thesis's bases (its muon_optimal and adam_optimal before tuning, in our registry's terms). */
const MUON_BASE = { name: 'muon+adamw', momentum: 0.9, nesterov: true, nsSteps: 5, adamwWeightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };
const ADAM_BASE = { name: 'adamw', b1: 0.9, b2: 0.999, weightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };
const withAdamW = (lr: number) => ({ adamwLearningRate: Number((lr / 10).toPrecision(4)) });

/**
 * Knobs both get, in this order: the schedule (each alternative with its own LR), warmup, then
 * momentum / β2. The alternatives are the ones the thesis's findings are about (linear and constant
 * against cosine, no warmup, the higher momentum); a wider set did not fit the cpu study's ~90 minutes.
 */
const SCHEDULES = { name: 'schedule', ownLr: true, alternatives: [{ label: 'linear', change: { schedule: 'linear' } }, { label: 'constant', change: { schedule: 'constant' } }] };
const WARMUP = { name: 'warmup', alternatives: [{ label: 'warmup 0', change: { warmupRatio: 0 } }] };

export const CONTESTANTS: Record<'muon' | 'adam', Contestant> = {
  muon: {
    key: 'muon', name: 'Muon+AdamW', base: MUON_BASE, grid: latticeAround(0.07, 4, PER_DECADE), with: withAdamW,
    knobs: [SCHEDULES, WARMUP, { name: 'momentum', alternatives: [{ label: 'momentum 0.95', change: { momentum: 0.95 } }] }],
  },
  adam: {
    key: 'adam', name: 'AdamW', base: ADAM_BASE, grid: latticeAround(0.003, 4, PER_DECADE),
    knobs: [SCHEDULES, WARMUP, { name: 'β2', alternatives: [{ label: 'β2 0.95', change: { b2: 0.95 } }] }],
  },
};

/** The smoke preset runs the same protocol thinly: a plumbing check, not evidence. */
const thin = (c: Contestant): Contestant => ({
  ...c,
  grid: c.grid.filter((_, i) => i % 2 === 1),
  knobs: c.knobs.map((k) => ({ ...k, alternatives: k.alternatives.slice(0, 1) })),
});
export const contestantOn = (preset: PresetName, key: 'muon' | 'adam'): Contestant => (preset === 'smoke' ? thin(CONTESTANTS[key]) : CONTESTANTS[key]);

/** Seeds the choices are made on, and the fresh seeds of the headline and the checks. */
export const tuningSeeds = (preset: PresetName): number[] => (preset === 'smoke' ? [1000, 1001] : [1000, 1001, 1002]);
export const freshSeeds = (n: number): number[] => Array.from({ length: n }, (_, i) => 2000 + i);
/** One-factor checks use this many of the fresh seeds (paired with the final runs on them). */
export const CHECK_SEEDS = 3;

/** Token budgets as fractions of the long horizon: AdamW's curve, and Muon's points on it. */
export const ADAM_BUDGETS = [0.25, 0.5, 1, 2];
export const MUON_BUDGETS = [0.5, 1];

export const tuningOf = (view: StudyView, key: string): Tuning | undefined => view.records[`tuning:${key}`] as Tuning | undefined;

/** Distinct runs each optimizer's tuning made (its budget; the top-up runs included). */
export const tuningBudget = (view: StudyView, key: string): number => new Set(pick(view, { group: key, phase: 'tune' }).map((e) => e.run)).size;

/**
 * A config at another horizon with its learning rate checked there: the tuned one and one lattice
 * step either side on a tuning seed (extended once), then the best of those on the fresh seeds, so
 * that no fresh seed makes a choice.
 */
async function atHorizon(ctx: StudyContext, phase: string, config: Record<string, unknown>, withLr: (c: Record<string, unknown>, lr: number) => Record<string, unknown>, horizon: number, seeds: readonly number[], tags: Tags, label: string): Promise<void> {
  const { lr: best } = await bestLrNear(ctx, phase, { center: config['learningRate'] as number, perDecade: PER_DECADE, horizon, seed: tuningSeeds(ctx.preset)[0]!, label, config: (l) => withLr(config, l), tags: { ...tags, lrCheck: true }, maxExtensions: 1 });
  await Promise.all(seeds.map((seed) => ctx.run(phase, { label: `${label}, lr ${best}`, horizon, optimizer: withLr(config, best), seed, tags: { ...tags, chosen: true } })));
}

const lrWith = (key: 'muon' | 'adam') => (c: Record<string, unknown>, lr: number): Record<string, unknown> => ({ ...c, learningRate: lr, ...(key === 'muon' ? withAdamW(lr) : {}) });

export const THESIS_PHASES: Phase[] = [
  {
    name: 'tune',
    summary: 'fair tuning at the long horizon on the tuning seeds: LR lattice until bracketed, then schedule (own LR), warmup, momentum/β2',
    async run(ctx) {
      const o = { horizon: 'long' as const, seeds: tuningSeeds(ctx.preset), perDecade: PER_DECADE, maxExtensions: ctx.preset === 'smoke' ? 1 : 3 };
      await Promise.all((['muon', 'adam'] as const).map((key) => tune(ctx, 'tune', contestantOn(ctx.preset, key), o)));
    },
  },
  {
    name: 'balance',
    summary: 'equal tuning budgets (±10%): the side with fewer runs gets more learning rates around its tuned config',
    async run(ctx) {
      const o = { horizon: 'long' as const, seeds: tuningSeeds(ctx.preset), perDecade: PER_DECADE };
      // Budgets before any top-up decide how many points each side gets (the same on a resume).
      const base = (key: 'muon' | 'adam') => new Set(pick(ctx.view(), { group: key, phase: 'tune' }).filter((e) => e.tags['tune'] !== 'top-up').map((e) => e.run)).size;
      const target = Math.ceil(0.9 * Math.max(base('muon'), base('adam')));
      for (const key of ['muon', 'adam'] as const) {
        const t = tuningOf(ctx.view(), key);
        const points = Math.min(8, Math.ceil((target - base(key)) / o.seeds.length));
        if (t && points > 0) await topUp(ctx, 'tune', contestantOn(ctx.preset, key), t, { ...o, points });
      }
    },
  },
  {
    name: 'final',
    summary: 'the tuned configs on fresh seeds at the long horizon, token budgets for the speedup, one-factor checks',
    async run(ctx) {
      const view = ctx.view();
      const tuned = { muon: tuningOf(view, 'muon'), adam: tuningOf(view, 'adam') };
      if (!tuned.muon || !tuned.adam) return;
      const fresh = freshSeeds(ctx.seeds);
      const checkSeeds = fresh.slice(0, CHECK_SEEDS);
      const long = view.horizons.long;
      const jobs: Promise<unknown>[] = [];
      for (const key of ['muon', 'adam'] as const) {
        const config = tuned[key]!.config;
        // The headline: each tuned config on the fresh seeds.
        for (const seed of fresh) jobs.push(ctx.run('final', { label: 'tuned', horizon: 'long', optimizer: config, seed, tags: { group: key, final: true }, checkpoint: true }));
        // Token budgets (the long one is the headline's runs): each with its LR checked at that budget.
        for (const f of key === 'adam' ? ADAM_BUDGETS : MUON_BUDGETS) {
          const steps = Math.round(long * f);
          if (steps !== long) jobs.push(atHorizon(ctx, 'budgets', config, lrWith(key), steps, checkSeeds, { group: key, budget: steps }, `${steps} steps`));
        }
        // One-factor checks from the tuned config, on the first fresh seeds.
        const check = (label: string, change: Record<string, unknown>) =>
          checkSeeds.forEach((seed) => jobs.push(ctx.run('checks', { label, horizon: 'long', optimizer: { ...config, ...change }, seed, tags: { group: key, check: label } })));
        check(Number(config['warmupRatio']) > 0 ? 'warmup 0' : 'warmup 0.05', { warmupRatio: Number(config['warmupRatio']) > 0 ? 0 : 0.05 });
        if (key === 'muon') check('ns 3', { nsSteps: 3 });
      }
      await Promise.all(jobs);
    },
  },
];
