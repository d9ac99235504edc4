/**
 * The final-comparison and token-speedup questions, on the fair protocol of tuning.ts: every
 * contestant such a question names goes through the same tuning procedure at the tuning horizon on
 * the tuning seeds (LR lattice until bracketed, then its knobs one at a time), budgets are evened
 * out (the top-up), and the tuned configs run on fresh seeds, seed-matched, so that they compare as
 * pairs. A token speedup also runs the baseline at 3 more token budgets and the contestant at 1 (the
 * tuning horizon's are the finals), each with its learning rate checked at that budget on a tuning
 * seed, on 3 fresh seeds.
 *
 * Here: the phases that ask for those runs, and the lookups every section of them reads. The sections
 * are in final-comparison.ts, token-speedup.ts and tuning-report.ts.
 */
import type { PresetName } from '@optimlab/moe-model';
import type { Horizon } from '../../runs.js';
import type { Phase, StudyContext, StudyView, Tags } from '../engine.js';
import type { QuestionFile } from '../file/schema.js';
import { pick, score, type Entry } from '../select.js';
import { comparePaired, type Comparison } from '../stats.js';
import { bestLrNear, topUp, tune, type Contestant, type Tuning } from '../tuning.js';
import { freshSeeds, tuningSeeds, type Plan, type Player } from './plan.js';

export type SpeedupQuestion = Extract<QuestionFile, { kind: 'token-speedup' }>;

/** Token budgets as fractions of the tuning horizon: the baseline's curve, and the contestant's points on it. */
export const BASELINE_BUDGETS = [0.25, 0.5, 1, 2];
export const CONTENDER_BUDGETS = [0.5, 1];
/** Budget runs and one-factor checks use this many of the fresh seeds (paired with the finals on them). */
export const CHECK_SEEDS = 3;

export const tuningOf = (view: StudyView, key: string): Tuning | undefined => view.records[`tuning:${key}`] as Tuning | undefined;
/** Distinct runs a contestant's tuning made (its budget; the top-up runs included). */
export const tuningBudget = (view: StudyView, key: string): number => new Set(pick(view, { group: key, phase: 'tune' }).map((e) => e.run)).size;
/** The tuned config's runs on the fresh seeds, by seed. */
export const finals = (view: StudyView, key: string): Entry[] => pick(view, { group: key, final: true }).sort((a, b) => a.seed - b.seed);

export const tuningHorizonSteps = (view: StudyView, plan: Plan): number => (typeof plan.tuning.horizon === 'number' ? plan.tuning.horizon : view.horizons[plan.tuning.horizon]);
const contestantFor = (p: Player, plan: Plan): Contestant => ({ key: p.key, name: p.name, base: p.base, grid: p.grid(plan.tuning.perDecade), ...(p.with ? { with: p.with } : {}), knobs: p.knobs(plan.tuning.maxAlternatives) });
const withLr = (p: Player) => (c: Record<string, unknown>, lr: number): Record<string, unknown> => ({ ...c, learningRate: lr, ...p.with?.(lr) });

/** A config at another horizon with its learning rate checked there (one tuning seed), then run on `seeds`. */
async function atBudget(ctx: StudyContext, p: Player, plan: Plan, config: Record<string, unknown>, steps: number, seeds: readonly number[]): Promise<void> {
  const tags: Tags = { group: p.key, budget: steps };
  const label = `${steps} steps`;
  const { lr } = await bestLrNear(ctx, 'budgets', { center: config['learningRate'] as number, perDecade: plan.tuning.perDecade, horizon: steps, seed: tuningSeeds(plan.tuning.seeds)[0]!, label, config: (l) => withLr(p)(config, l), tags: { ...tags, lrCheck: true }, maxExtensions: 1 });
  await Promise.all(seeds.map((seed) => ctx.run('budgets', { label: `${label}, lr ${lr}`, horizon: steps, optimizer: withLr(p)(config, lr), seed, tags: { ...tags, chosen: true } })));
}

/**
 * The phases of the tuned contestants: tune, balance, final (finals and token budgets). `players` may
 * depend on the preset (the thesis thins its grids on smoke); a study file's are fixed.
 */
export function fairPhases(players: readonly Player[] | ((preset: PresetName) => readonly Player[]), speedups: readonly SpeedupQuestion[], planFor: (ctx: StudyContext) => Plan): Phase[] {
  if (Array.isArray(players) && !players.length) return [];
  const playersOn = (ctx: StudyContext): readonly Player[] => (typeof players === 'function' ? players(ctx.preset) : players);
  const options = (plan: Plan) => ({ horizon: plan.tuning.horizon as Horizon, seeds: tuningSeeds(plan.tuning.seeds), perDecade: plan.tuning.perDecade, maxExtensions: plan.tuning.maxExtensions });
  return [
    {
      name: 'tune',
      summary: 'fair tuning at the tuning horizon on the tuning seeds: LR lattice until bracketed, then each knob in order',
      async run(ctx) {
        const [plan, tuned] = [planFor(ctx), playersOn(ctx)];
        await Promise.all(tuned.map((p) => tune(ctx, 'tune', contestantFor(p, plan), options(plan))));
      },
    },
    {
      name: 'balance',
      summary: 'equal tuning budgets (±10%): a side with fewer runs gets more learning rates around its tuned config',
      async run(ctx) {
        const [plan, tuned] = [planFor(ctx), playersOn(ctx)];
        if (!plan.tuning.balance || tuned.length < 2) return;
        const o = options(plan);
        // Budgets before any top-up decide how many points each side gets (the same on a resume).
        const base = (key: string) => new Set(pick(ctx.view(), { group: key, phase: 'tune' }).filter((e) => e.tags['tune'] !== 'top-up').map((e) => e.run)).size;
        const target = Math.ceil(0.9 * Math.max(...tuned.map((p) => base(p.key))));
        for (const p of tuned) {
          const t = tuningOf(ctx.view(), p.key);
          const points = Math.min(8, Math.ceil((target - base(p.key)) / o.seeds.length));
          if (t && points > 0) await topUp(ctx, 'tune', contestantFor(p, plan), t, { ...o, points });
        }
      },
    },
    {
      name: 'final',
      summary: 'the tuned configs on fresh seeds at the tuning horizon, and the token budgets of speedup questions',
      async run(ctx) {
        const [plan, tuned] = [planFor(ctx), playersOn(ctx)];
        const view = ctx.view();
        const fresh = freshSeeds(ctx.seeds);
        const steps = tuningHorizonSteps(view, plan);
        const jobs: Promise<unknown>[] = [];
        for (const p of tuned) {
          const t = tuningOf(view, p.key);
          if (!t) continue;
          // Each keeps its checkpoint: `optimlab sample` reads the tuned models.
          for (const seed of fresh) jobs.push(ctx.run('final', { label: 'tuned', horizon: plan.tuning.horizon, optimizer: t.config, seed, tags: { group: p.key, final: true }, checkpoint: true }));
          const fractions = new Set([...speedups.filter((q) => q.baseline === p.key).flatMap(() => BASELINE_BUDGETS), ...speedups.filter((q) => q.contestant === p.key).flatMap(() => CONTENDER_BUDGETS)]);
          for (const f of fractions) if (f !== 1) jobs.push(atBudget(ctx, p, plan, t.config, Math.round(steps * f), fresh.slice(0, CHECK_SEEDS)));
        }
        await Promise.all(jobs);
      },
    },
  ];
}

/** Seed-matched losses of two groups of runs: the seeds both have (and where neither diverged), in order. */
function pairs(a: readonly Entry[], b: readonly Entry[]): [number[], number[]] {
  const at = (es: readonly Entry[], s: number) => score(es.find((e) => e.seed === s)!.result);
  const seeds = a.map((e) => e.seed).filter((s) => b.some((x) => x.seed === s)).filter((s) => Number.isFinite(at(a, s)) && Number.isFinite(at(b, s)));
  return [seeds.map((s) => at(a, s)), seeds.map((s) => at(b, s))];
}
/** Seed pairs of two groups (pairs where either run diverged are left out: see divergedIn). */
export const paired = (a: readonly Entry[], b: readonly Entry[]): Comparison => comparePaired(...pairs(a, b));
/** How many of a group's runs diverged. */
export const divergedIn = (es: readonly Entry[]): number => es.filter((e) => !Number.isFinite(score(e.result))).length;
/** One entry per seed (a run two phases asked for counts once). */
export const dedupe = (es: readonly Entry[]): Entry[] => es.filter((e, i) => es.findIndex((x) => x.seed === e.seed) === i);

/** A group's runs at a budget (in steps), by seed: at the tuning horizon, the finals. */
export function budgetRuns(view: StudyView, key: string, steps: number, long: number): Entry[] {
  if (steps === long) return finals(view, key);
  return pick(view, { group: key, budget: steps, chosen: true }).sort((x, y) => x.seed - y.seed);
}
