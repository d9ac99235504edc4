/**
 * The final-comparison and token-speedup questions, on the fair protocol of tuning.ts: every
 * contestant such a question names goes through the same tuning procedure at the tuning horizon on
 * the tuning seeds (LR lattice until bracketed, then its knobs one at a time), budgets are evened
 * out (the top-up), and the tuned configs run on fresh seeds, seed-matched, so that they compare as
 * pairs. A token speedup also runs the baseline at 4 token budgets and the contestant at 2, each
 * with its learning rate checked at that budget on a tuning seed, on 3 fresh seeds.
 */
import type { Horizon } from '../../runs.js';
import { dotChart, lineChart } from '../../svg.js';
import type { Phase, Section, StudyContext, StudyView, Tags } from '../engine.js';
import { stepsOf } from '../engine.js';
import type { QuestionFile } from '../file/schema.js';
import { losses, pick, score, table, type Entry } from '../select.js';
import { tokenSpeedup, type TokenSpeedup } from '../speedup.js';
import { comparePaired, describeComparison, f4, lowerVerdict, MIN_SEEDS, pm, summarize, type Comparison, type Verdict } from '../stats.js';
import { bestLrNear, topUp, tune, type Contestant, type Tuning } from '../tuning.js';
import { freshSeeds, tuningSeeds, type Plan, type Player } from './plan.js';

export type FinalQuestion = Extract<QuestionFile, { kind: 'final-comparison' }>;
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

const tuningHorizonSteps = (view: StudyView, plan: Plan): number => (typeof plan.tuning.horizon === 'number' ? plan.tuning.horizon : view.horizons[plan.tuning.horizon]);
const contestantFor = (p: Player, plan: Plan): Contestant => ({ key: p.key, name: p.name, base: p.base, grid: p.grid(plan.tuning.perDecade), ...(p.with ? { with: p.with } : {}), knobs: p.knobs(plan.tuning.maxAlternatives) });
const withLr = (p: Player) => (c: Record<string, unknown>, lr: number): Record<string, unknown> => ({ ...c, learningRate: lr, ...p.with?.(lr) });

/** A config at another horizon with its learning rate checked there (one tuning seed), then run on `seeds`. */
async function atBudget(ctx: StudyContext, p: Player, plan: Plan, config: Record<string, unknown>, steps: number, seeds: readonly number[]): Promise<void> {
  const tags: Tags = { group: p.key, budget: steps };
  const label = `${steps} steps`;
  const { lr } = await bestLrNear(ctx, 'budgets', { center: config['learningRate'] as number, perDecade: plan.tuning.perDecade, horizon: steps, seed: tuningSeeds(plan.tuning.seeds)[0]!, label, config: (l) => withLr(p)(config, l), tags: { ...tags, lrCheck: true }, maxExtensions: 1 });
  await Promise.all(seeds.map((seed) => ctx.run('budgets', { label: `${label}, lr ${lr}`, horizon: steps, optimizer: withLr(p)(config, lr), seed, tags: { ...tags, chosen: true } })));
}

/** The phases of the tuned contestants: tune, balance, final (finals and token budgets). */
export function fairPhases(tuned: readonly Player[], speedups: readonly SpeedupQuestion[], planFor: (ctx: StudyContext) => Plan): Phase[] {
  if (!tuned.length) return [];
  const options = (plan: Plan) => ({ horizon: plan.tuning.horizon as Horizon, seeds: tuningSeeds(plan.tuning.seeds), perDecade: plan.tuning.perDecade, maxExtensions: plan.tuning.maxExtensions });
  return [
    {
      name: 'tune',
      summary: 'fair tuning at the tuning horizon on the tuning seeds: LR lattice until bracketed, then each knob in order',
      async run(ctx) {
        const plan = planFor(ctx);
        await Promise.all(tuned.map((p) => tune(ctx, 'tune', contestantFor(p, plan), options(plan))));
      },
    },
    {
      name: 'balance',
      summary: 'equal tuning budgets (±10%): a side with fewer runs gets more learning rates around its tuned config',
      async run(ctx) {
        const plan = planFor(ctx);
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
        const plan = planFor(ctx);
        const view = ctx.view();
        const fresh = freshSeeds(ctx.seeds);
        const steps = tuningHorizonSteps(view, plan);
        const jobs: Promise<unknown>[] = [];
        for (const p of tuned) {
          const t = tuningOf(view, p.key);
          if (!t) continue;
          for (const seed of fresh) jobs.push(ctx.run('final', { label: 'tuned', horizon: plan.tuning.horizon, optimizer: t.config, seed, tags: { group: p.key, final: true } }));
          const fractions = new Set([...speedups.filter((q) => q.baseline === p.key).flatMap(() => BASELINE_BUDGETS), ...speedups.filter((q) => q.contestant === p.key).flatMap(() => CONTENDER_BUDGETS)]);
          for (const f of fractions) if (f !== 1) jobs.push(atBudget(ctx, p, plan, t.config, Math.round(steps * f), fresh.slice(0, CHECK_SEEDS)));
        }
        await Promise.all(jobs);
      },
    },
  ];
}

/** Seed-matched losses of two groups of runs (pairs where either diverged are left out). */
function paired(a: readonly Entry[], b: readonly Entry[]): Comparison {
  const at = (es: readonly Entry[], s: number) => score(es.find((e) => e.seed === s)!.result);
  const seeds = a.map((e) => e.seed).filter((s) => b.some((x) => x.seed === s)).filter((s) => Number.isFinite(at(a, s)) && Number.isFinite(at(b, s)));
  return comparePaired(seeds.map((s) => at(a, s)), seeds.map((s) => at(b, s)));
}
const divergedIn = (es: readonly Entry[]): number => es.filter((e) => !Number.isFinite(score(e.result))).length;

export function finalSection(view: StudyView, q: FinalQuestion, players: ReadonlyMap<string, Player>, plan: Plan): Section {
  const [a, b] = [players.get(q.contestant)!, players.get(q.baseline)!];
  const question = q.question ?? `${a.name} reaches a lower loss than ${b.name} at equal steps`;
  const [fa, fb] = [finals(view, a.key), finals(view, b.key)];
  const steps = tuningHorizonSteps(view, plan);
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence = 'no final runs yet';
  const rows: string[][] = [];
  if (fa.length && fb.length) {
    const c = paired(fa, fb);
    const [da, db] = [divergedIn(fa), divergedIn(fb)];
    // A diverged run of the contestant counts against it: no "holds" then.
    verdict = da > 0 && lowerVerdict(c) === 'holds' ? 'inconclusive at this scale' : lowerVerdict(c);
    evidence = `at ${steps} steps, fresh seeds, ${a.name} − ${b.name} = ${describeComparison(c)}${da + db ? ` (diverged: ${a.name} ${da}, ${b.name} ${db}; their pairs left out)` : ''}`;
    rows.push([`${steps} steps`, pm(c.a), pm(c.b), describeComparison(c)]);
  }
  const dots = [a, b].map((p) => {
    const s = summarize(losses(finals(view, p.key)));
    return { label: p.name, value: s.n ? s.mean : NaN, spread: s.std, color: p.color };
  });
  return {
    title: question,
    markdown: [
      table(['Horizon', `${a.name} (mean ± std)`, `${b.name} (mean ± std)`, `${a.name} − ${b.name} (95% CI, test, pairs)`], rows),
      '',
      `Each tuned configuration on the fresh seeds (2000 onwards), never used for a choice, as seed pairs (same initialisation and data order): a paired t-test on the per-seed differences, the exact sign-flip test when every pair agrees. Fewer than ${MIN_SEEDS} pairs give no verdict.`,
    ].join('\n'),
    svgs: [[`final-${a.key}-vs-${b.key}.svg`, dotChart(`Final comparison: mean ± std over fresh seeds (${steps} steps)`, dots, 'validation loss')]],
    verdict: { question, verdict, evidence, ...(q.reference ? { reference: q.reference } : {}) },
  };
}

interface SpeedupAt {
  readonly steps: number;
  readonly s: TokenSpeedup;
  readonly loss: number;
}

/** A group's runs at a budget (in steps): at the tuning horizon, the finals. */
function budgetRuns(view: StudyView, key: string, steps: number, long: number): Entry[] {
  if (steps === long) return finals(view, key);
  return pick(view, { group: key, budget: steps, chosen: true }).sort((x, y) => x.seed - y.seed);
}

function speedupsOf(view: StudyView, q: SpeedupQuestion, long: number): { curve: { steps: number; losses: number[] }[]; at: SpeedupAt[] } {
  const curve = BASELINE_BUDGETS.map((f) => Math.round(long * f)).map((steps) => ({ steps, runs: budgetRuns(view, q.baseline, steps, long) })).filter((b) => !divergedIn(b.runs)).map(({ steps, runs }) => ({ steps, losses: losses(runs) })).filter((b) => b.losses.length >= MIN_SEEDS);
  const at: SpeedupAt[] = [];
  if (curve.length < 4) return { curve, at };
  for (const f of CONTENDER_BUDGETS) {
    const steps = Math.round(long * f);
    const runs = budgetRuns(view, q.contestant, steps, long);
    const mine = losses(runs);
    if (mine.length < MIN_SEEDS || divergedIn(runs)) continue;
    try {
      const s = tokenSpeedup({ baseline: curve.map((b) => ({ tokens: b.steps * view.tokensPerStep, losses: b.losses })), contender: { tokens: steps * view.tokensPerStep, losses: mine }, resamples: 2000, seed: 1 });
      at.push({ steps, s, loss: summarize(mine).mean });
    } catch {
      // The baseline's losses do not fall with tokens: no power law to read.
    }
  }
  return { curve, at };
}

const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '∞');

export function speedupSection(view: StudyView, q: SpeedupQuestion, players: ReadonlyMap<string, Player>, plan: Plan): Section {
  const [a, b] = [players.get(q.contestant)!, players.get(q.baseline)!];
  const long = tuningHorizonSteps(view, plan);
  const { curve, at } = speedupsOf(view, q, long);
  const question = q.question ?? `${a.name} needs fewer tokens than ${b.name} for the same loss`;
  const headline = at.find((x) => x.steps === long) ?? at[at.length - 1];
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence = `${b.name} needs 4 budgets over ≥ ${MIN_SEEDS} seeds and ${a.name} ≥ ${MIN_SEEDS} seeds (${curve.length} budgets so far)`;
  if (headline) {
    const [lo, hi] = headline.s.ci;
    verdict = lo > 1 ? 'holds' : hi < 1 ? 'does not hold' : 'inconclusive at this scale';
    evidence = `${a.name} reaches ${b.name}'s loss with ${times(headline.s.estimate)} fewer tokens at ${headline.steps} steps (95% CI ${times(lo)}–${times(hi)})`;
  }
  const fit = at[0]?.s.fit;
  const rows = at.map(({ steps, s, loss }) => [`${steps} steps (${(steps * view.tokensPerStep).toLocaleString('en-US')} tokens)`, f4(loss), times(s.estimate), `[${times(s.ci[0])}, ${times(s.ci[1])}]`, s.extrapolated ? `yes: beyond ${b.name}’s budgets` : 'no']);
  const points = curve.map((x) => [x.steps * view.tokensPerStep, summarize(x.losses).mean] as [number, number]);
  return {
    title: question,
    markdown: [
      `After Wen et al. 2025: ${b.name}'s end-of-training loss at each token budget (each a full run with its own schedule and its learning rate checked at that budget, on ${CHECK_SEEDS} fresh seeds) is fitted with L(D) = α·D^(−β) + γ; ${a.name}'s speedup at a budget D is D_${b.key}(L_${a.key}) / D, with a 95% percentile-bootstrap CI over seeds (2000 resamples).`,
      '',
      table([`${a.name} budget`, 'its loss (mean)', 'Speedup', '95% CI', 'Extrapolated'], rows),
      '',
      fit ? `${b.name}'s fit: L(D) = ${fit.alpha.toPrecision(4)}·D^(−${fit.beta.toFixed(3)}) + ${fit.gamma.toFixed(3)} over ${curve.length} budgets.` : `${b.name}'s budgets so far: ${curve.map((x) => `${x.steps} steps`).join(', ') || 'none'}.`,
    ].join('\n'),
    svgs: points.length ? [[`speedup-${a.key}-vs-${b.key}.svg`, lineChart(`Final loss vs tokens: ${b.name} budgets and ${a.name}`, [{ name: b.name, color: b.color, points }, { name: a.name, color: a.color, points: at.map((x) => [x.steps * view.tokensPerStep, x.loss] as [number, number]) }], { logX: true, xLabel: 'tokens', yLabel: 'validation loss' })]] : [],
    verdict: { question, verdict, evidence, ...(q.reference ? { reference: q.reference } : {}) },
  };
}

export function tuningSection(view: StudyView, tuned: readonly Player[], plan: Plan): Section {
  const budgets = tuned.map((p) => tuningBudget(view, p.key));
  const ratio = Math.max(...budgets) / Math.max(1, Math.min(...budgets));
  const rows = tuned.flatMap((p) => {
    const t = tuningOf(view, p.key);
    if (!t) return [];
    return [
      [p.name, 'learning rate', '—', t.lrSweep.map((x) => `${x.lr}: ${f4(x.mean)}`).join(', '), `lr ${t.path[0]?.incumbent.learningRate ?? t.config['learningRate']}`, `noise ${f4(t.noise)}`],
      ...t.path.map((s) => [p.name, s.knob, `${s.incumbent.label}: ${f4(s.incumbent.mean)}`, s.tried.map((v) => `${v.label}: ${f4(v.mean)}`).join('; '), s.kept ? `**${s.kept}** (−${f4(s.improvement)})` : 'kept the incumbent', f4(s.threshold)]),
    ];
  });
  return {
    title: 'Tuning: the same procedure for every contestant',
    markdown: [
      `Every contestant went through the same procedure at the tuning horizon (${tuningHorizonSteps(view, plan)} steps) on the same ${plan.tuning.seeds} tuning seed${plan.tuning.seeds === 1 ? '' : 's'}: a learning-rate grid on one lattice of ${plan.tuning.perDecade} points per decade, every point on every seed, extended until the best seed mean was inside the grid; then each knob in order, every alternative on every tuning seed, kept only when its mean beat the incumbent's by more than the seed noise${plan.tuning.balance ? '; then, for a side with fewer than 90% of the other’s runs, more learning rates around its tuned config' : ''}.`,
      '',
      table(['Contestant', 'Knob', 'Incumbent (mean)', 'Tried (mean)', 'Decision', 'Noise threshold'], rows),
      '',
      ...tuned.map((p) => {
        const t = tuningOf(view, p.key);
        return t ? `- **${p.name}**: \`${JSON.stringify(t.config)}\`, ${f4(t.mean)} on the tuning seeds` : `- **${p.name}**: not tuned yet`;
      }),
      '',
      `Budgets: ${tuned.map((p, i) => `${p.name} ${budgets[i]} runs`).join(', ')} (ratio ${ratio.toFixed(2)}; the protocol asks for at most 1.10).`,
    ].join('\n'),
  };
}

export function fairThreats(view: StudyView, tuned: readonly Player[]): string[] {
  const budgets = tuned.map((p) => tuningBudget(view, p.key));
  const ratio = Math.max(...budgets) / Math.max(1, Math.min(...budgets));
  const out = [`**Tuning budgets:** ${tuned.map((p, i) => `${p.name} ${budgets[i]} runs`).join(', ')}; ratio ${ratio.toFixed(2)}${ratio > 1.1 ? ' — more than the 10% the protocol allows: the better-tuned side has an advantage' : ' (within 10%)'}. Knobs not listed under a contestant's "tune" were not tuned.`];
  for (const p of tuned) {
    const t = tuningOf(view, p.key);
    const sweep = t?.lrSweep ?? [];
    const best = sweep.reduce<{ lr: number; mean: number } | undefined>((x, y) => (!x || y.mean < x.mean ? y : x), undefined);
    if (best && (best === sweep[0] || best === sweep[sweep.length - 1])) out.push(`**Bound:** ${p.name}'s best learning rate is on its grid's edge (${best.lr}): the optimum may lie beyond it.`);
  }
  return out;
}
