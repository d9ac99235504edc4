/**
 * The lr-sensitivity question (the robustness study's protocol, after Crawshaw et al. 2025): each
 * contestant runs over one common log lattice, every point on every seed: first until its seed-mean
 * optimum is bracketed, then over a window around that optimum, then further out while its range at
 * the largest threshold still reaches the grid's edge. Widths and excess losses come from the
 * seed-mean curve, interpolated in log-LR (sensitivity.ts), at the question's thresholds (default
 * 1%, 2% and 5% of the best loss); their uncertainty from the per-seed
 * curves, compared as pairs (every contestant runs on the same seeds). Claims: "A tolerates a wider
 * LR range than B" and "A reaches the best or near-best loss".
 */
import { lineChart } from '../../svg.js';
import type { Phase, Section, StudyContext, StudyView } from '../engine.js';
import { latticeIndex, latticeLr } from '../engine.js';
import { losses, pick, table, type Entry } from '../select.js';
import { excessLoss, lrWidth, optimumLr, type CurvePoint } from '../sensitivity.js';
import { comparePaired, describeComparison, f4, lowerVerdict, MIN_SEEDS, pm, summarize, type Verdict } from '../stats.js';
import { curveOf, DEFAULT_THRESHOLDS, seedsOf, widerClaim, widthText } from '../width-claims.js';
import type { QuestionFile } from '../file/schema.js';
import { freshSeeds, type Plan, type Player } from './plan.js';

export type LrSensitivityQuestion = Extract<QuestionFile, { kind: 'lr-sensitivity' }>;

/** The question's tolerances, in % of the best loss. */
export const thresholdsOf = (q: LrSensitivityQuestion): readonly number[] => q.thresholds ?? DEFAULT_THRESHOLDS;
/** The largest threshold (in %): the grid extends while the range within it reaches an edge. */
const widest = (q: LrSensitivityQuestion): number => Math.max(...thresholdsOf(q));

/** The excess-loss window's half-width in decades: the window the grid fills around each optimum. */
export const windowDecades = (plan: Plan): number => plan.grid.window / plan.grid.perDecade;

/** A contestant's grid entries. */
export const gridEntries = (view: StudyView, q: LrSensitivityQuestion, key: string): Entry[] => pick(view, { contestant: key, phase: q.id });
/** A contestant's seed-mean curve (of some seeds only, when given). */
export const curveFor = (view: StudyView, q: LrSensitivityQuestion, key: string, seeds?: readonly number[]): CurvePoint[] => curveOf(gridEntries(view, q, key), seeds);

async function sweepContestant(ctx: StudyContext, q: LrSensitivityQuestion, plan: Plan, c: Player): Promise<void> {
  const g = plan.grid;
  const seeds = freshSeeds(ctx.seeds);
  const sweep = (grid: number[], maxExtensions = 0) => ctx.lrSweep(q.id, { name: c.key, base: c.base, grid, horizon: q.horizon, seeds, perDecade: g.perDecade, maxExtensions, tags: { contestant: c.key }, with: c.with });
  // 1. Until the seed-mean optimum is bracketed.
  const located = await sweep(c.grid(g.perDecade), g.maxExtensions);
  const best = located.reduce((a, b) => (b.mean < a.mean ? b : a));
  if (!Number.isFinite(best.mean)) return;
  // 2. The window around it, on the lattice.
  const k = latticeIndex(best.lr, g.perDecade);
  const window = await sweep(Array.from({ length: 2 * g.window + 1 }, (_, i) => latticeLr(k - g.window + i, g.perDecade)));
  // 3. Further out while the widest range still reaches an edge of what ran. Only the points this
  // procedure asked for count: a resumed study finds its earlier edge points in the folder, and
  // reading them here would take it one step further out on every resume.
  const asked = new Set([...located, ...window].map((p) => p.lr));
  for (let i = 0; i < g.edgeSteps; i++) {
    const all = curveFor(ctx.view(), q, c.key).filter((p) => asked.has(p.lr));
    const width = lrWidth(all, widest(q) / 100);
    if (!width || !width.openSides.length) break;
    const [lo, hi] = [latticeIndex(all[0]!.lr, g.perDecade), latticeIndex(all[all.length - 1]!.lr, g.perDecade)];
    for (const p of await sweep(width.openSides.map((side) => latticeLr(side === 'low' ? lo - 1 : hi + 1, g.perDecade)))) asked.add(p.lr);
  }
}

export function lrSensitivityPhase(q: LrSensitivityQuestion, players: readonly Player[], planFor: (ctx: StudyContext) => Plan): Phase {
  return {
    name: q.id,
    summary: `every contestant over the common LR lattice on every seed: until bracketed, a window around its optimum, and out to its ${widest(q)}% range`,
    async run(ctx) {
      await Promise.all(players.map((c) => sweepContestant(ctx, q, planFor(ctx), c)));
    },
  };
}

/** The seeds the grids ran on. */
const studySeeds = (view: StudyView, q: LrSensitivityQuestion): number[] => seedsOf(pick(view, { phase: q.id }));

/** `svgName` and `heading` are the file's to choose: a study may ask several such questions (compile.ts names each). */
export function measuredSection(view: StudyView, q: LrSensitivityQuestion, players: readonly Player[], plan: Plan, svgName: string, heading = 'Robustness to the learning rate, measured'): Section {
  const lnV = Math.log(view.vocabSize);
  const seeds = studySeeds(view, q);
  const rows = players.map((c) => {
    const curve = curveFor(view, q, c.key);
    const opt = optimumLr(curve);
    const perSeedBest = seeds.map((s) => optimumLr(curveFor(view, q, c.key, [s]))?.loss ?? NaN).filter(Number.isFinite);
    const ex = excessLoss(curve, { decades: windowDecades(plan), divergedLoss: lnV });
    const diverged = gridEntries(view, q, c.key).filter((e) => e.result.status === 'diverged').length;
    const range = curve.length ? `${curve[0]!.lr}–${curve[curve.length - 1]!.lr}` : '—';
    return [
      c.name, range, opt ? `${opt.lr}${opt.refinedLr ? ` (≈ ${opt.refinedLr.toPrecision(2)})` : ''}${opt.bracketed ? '' : ' (edge)'}` : '—', opt ? f4(opt.loss) : '—', pm(summarize(perSeedBest)),
      ...thresholdsOf(q).map((t) => widthText(lrWidth(curve, t / 100))),
      ex ? `${f4(ex.excess)}${ex.partial ? ` (${Math.round(ex.covered * 100)}% of the window)` : ''}` : '—',
      `${diverged} / ${gridEntries(view, q, c.key).length}`,
    ];
  });
  const ext = view.extensions.filter((e) => e.phase === q.id && players.some((c) => c.key === e.grid));
  const series = players.map((c) => {
    const curve = curveFor(view, q, c.key).filter((p) => Number.isFinite(p.mean));
    const spread = (lr: number) => summarize(losses(gridEntries(view, q, c.key).filter((e) => e.result.optimizer.learningRate === lr))).std;
    return { name: c.name, color: c.color, points: curve.map((p) => [p.lr, p.mean] as [number, number]), band: curve.map((p) => [p.lr, p.mean - spread(p.lr), p.mean + spread(p.lr)] as [number, number, number]) };
  });
  const g = plan.grid;
  const horizonSteps = typeof q.horizon === 'number' ? q.horizon : view.horizons[q.horizon];
  return {
    title: heading,
    markdown: [
      table(['Optimizer', 'LRs run', 'Best LR (seed mean; ≈ parabola)', 'Best seed-mean loss', 'Best loss per seed', ...thresholdsOf(q).map((t, i) => (i ? `within ${t}%` : `Width within ${t}% (decades)`)), `Mean excess loss, best ÷ 10^${windowDecades(plan)} to best × 10^${windowDecades(plan)}`, 'Diverged runs'], rows),
      '',
      `Every LR runs on the same ${seeds.length} seeds at the ${q.horizon === 'short' || q.horizon === 'long' ? `${q.horizon} horizon` : 'horizon'} (${horizonSteps} steps). The grid is one lattice of ${g.perDecade} points per decade (resolution ${(1 / g.perDecade).toFixed(2)} decades) for every optimizer. "Within x%": the range of learning rates whose seed-mean final loss stays within x% of the best seed mean, its ends interpolated linearly in log10(lr) between grid points, as the width log10(high/low); "≥" marks a range that reaches the edge of the grid, a lower bound. A diverged seed makes its LR's mean diverged. Mean excess loss: the seed-mean curve's average of (loss − best) over the same window relative to each optimizer's own best LR, ±${windowDecades(plan)} decades in log10(lr) (a diverged mean counts as ln V), over the part the grid covers.`,
      ext.length ? `\nGrids extended while the optimum sat on an edge: ${ext.map((e) => `${e.grid} to ${e.added.join(', ')} (${e.reason})`).join('; ')}.` : '',
    ].join('\n'),
    svgs: [[svgName, lineChart(`Final loss vs learning rate (mean ± std over seeds, ${horizonSteps} steps)`, series, { logX: true, xLabel: 'learning rate', yLabel: 'validation loss' })]],
  };
}

/** "a tolerates a wider LR range than b" (width-claims.ts). */
export function widerSection(view: StudyView, q: LrSensitivityQuestion, question: string, a: string, b: string, reference?: string): Section {
  const claim = widerClaim({ name: a, entries: gridEntries(view, q, a) }, { name: b, entries: gridEntries(view, q, b) }, thresholdsOf(q));
  return { title: question, markdown: claim.lines.map((l) => `- ${l}`).join('\n'), verdict: { question, verdict: claim.verdict, evidence: claim.lines.join('; '), thresholds: thresholdsOf(q), ...(reference ? { reference } : {}) } };
}

/** "a reaches the best or near-best loss": its best seed-mean against the best of the others, per seed (pairs). */
export function nearBestSection(view: StudyView, q: LrSensitivityQuestion, players: readonly Player[], question: string, a: string, reference?: string): Section {
  const seeds = studySeeds(view, q);
  const bestPerSeed = (key: string) => seeds.map((s) => optimumLr(curveFor(view, q, key, [s]))?.loss ?? Infinity);
  const others = players.filter((x) => x.key !== a).map((x) => ({ key: x.key, best: optimumLr(curveFor(view, q, x.key))?.loss ?? Infinity }));
  const rival = others.sort((x, y) => x.best - y.best)[0]!;
  const c = comparePaired(bestPerSeed(a), bestPerSeed(rival.key));
  const margin = 0.01 * rival.best;
  const verdict: Verdict = !c.ci || c.a.n < MIN_SEEDS ? lowerVerdict(c) : c.ci[1] < margin ? 'holds' : c.ci[0] > margin ? 'does not hold' : 'inconclusive at this scale';
  const evidence = `best loss ${a} − ${rival.key} (the best of the others), per seed: ${describeComparison(c)}; "near-best" = within 1% (${f4(margin)})`;
  return { title: question, markdown: `${evidence}.`, verdict: { question, verdict, evidence, ...(reference ? { reference } : {}) } };
}

/** What the evidence cannot carry, from the grids: optima and widths at an edge, partial windows. */
export function lrSensitivityThreats(view: StudyView, q: LrSensitivityQuestion, players: readonly Player[], plan: Plan): string[] {
  const out: string[] = [];
  const lnV = Math.log(view.vocabSize);
  for (const c of players) {
    const curve = curveFor(view, q, c.key);
    const opt = optimumLr(curve);
    if (opt && !opt.bracketed) out.push(`**Bound:** ${c.name}'s best learning rate (${opt.lr}) is on the edge of its grid: its optimum may lie beyond.`);
    const bounds = thresholdsOf(q).filter((t) => lrWidth(curve, t / 100)?.lowerBound);
    if (bounds.length) out.push(`**Bounds:** ${c.name}'s width at ${bounds.map((t) => `${t}%`).join(', ')} reaches the edge of what ran (after ${plan.grid.edgeSteps} extra lattice steps per side at most): a lower bound.`);
    const ex = excessLoss(curve, { decades: windowDecades(plan), divergedLoss: lnV });
    if (ex?.partial) out.push(`**Partial window:** ${c.name}'s excess loss covers ${Math.round(ex.covered * 100)}% of its window.`);
  }
  return out;
}
