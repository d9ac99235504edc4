/**
 * The robustness study (Crawshaw, Modi, Liu & Gower 2025, arXiv:2510.09827): is MuonMax(-Momo)
 * less sensitive to the learning rate than Muon? Each optimizer runs over one common log lattice
 * (4 points per decade), every point on every seed: first until its seed-mean optimum is
 * bracketed, then over a window of ±0.75 decades around that optimum (3 lattice steps each way), then further out while its 5%
 * range still reaches the grid's edge. Widths and excess losses come from the seed-mean curve,
 * interpolated in log-LR (sensitivity.ts), at 1%, 2% and 5%; their uncertainty from the per-seed
 * curves, compared as pairs (every optimizer runs on the same seeds). The paper's defaults where
 * they differ from ours: Polar Express coefficients, momentum 0.95, betas (0.95, 0.95),
 * constant-then-linear schedule, no warmup. AdamW is the reference point.
 *
 * Every Muon-family optimizer orthogonalises the same parameters (optim's partition rule: hidden
 * 2-D weights and every slice of the expert stacks), so the comparisons change the update rule and
 * nothing else. Muon runs as our split `muon+adamw` (the paper's Muon uses an Adam-style direction
 * for embeddings and norms, as MuonMax does; Muon-Momo uses sign steps there). Momo's truncation
 * needs a loss lower bound f*: the paper's 3.2 suits GPT-2 on its data, not our vocabulary, so
 * f* = 0 (cross-entropy is never negative), with a check at f* = 2.
 */
import { PRESETS, type PresetName } from '@optimlab/moe-model';
import { lineChart } from '../svg.js';
import type { Phase, Section, StudyContext, StudyDefinition, StudyView } from './engine.js';
import { latticeAround, latticeIndex, latticeLr } from './engine.js';
import { losses, pick, score, table, type Entry } from './select.js';
import { excessLoss, lrWidth, optimumLr, type CurvePoint } from './sensitivity.js';
import { comparePaired, describeComparison, f4, lowerVerdict, MIN_SEEDS, pm, summarize, type Verdict } from './stats.js';
import { curveOf, seedsOf, THRESHOLD_NAMES, THRESHOLDS, widerClaim, widthText } from './width-claims.js';

const SCHEDULE = { schedule: 'constant-linear', warmupRatio: 0, minLrRatio: 0.1 };

/** The contestants: registry names with the paper's defaults, and where their LR search starts. */
const CONTESTANTS = [
  { key: 'muon', name: 'Muon (+AdamW)', color: '#d62728', optimizer: { name: 'muon+adamw', coefficients: 'polarExpress', momentum: 0.95, nesterov: true, adamwWeightDecay: 0 }, prior: 0.1, adamwRatio: 0.1 },
  { key: 'muon-momo', name: 'Muon-Momo (f* = 0)', color: '#ff7f0e', optimizer: { name: 'muon-momo', coefficients: 'polarExpress', momentum: 0.95, truncateLoss: 0 }, prior: 0.1 },
  { key: 'muonmax', name: 'MuonMax', color: '#2ca02c', optimizer: { name: 'muonmax', coefficients: 'polarExpress', momentum: 0.95, b2: 0.95 }, prior: 0.01 },
  { key: 'muonmax-momo', name: 'MuonMax-Momo (f* = 0)', color: '#9467bd', optimizer: { name: 'muonmax-momo', coefficients: 'polarExpress', momentum: 0.95, b2: 0.95, truncateLoss: 0 }, prior: 0.1 },
  { key: 'adamw', name: 'AdamW', color: '#1f77b4', optimizer: { name: 'adamw', b1: 0.9, b2: 0.95, weightDecay: 0 }, prior: 0.01 },
] as const;
type Contestant = (typeof CONTESTANTS)[number];

/** The grid's shape per preset: the smoke preset (a plumbing check) is coarse and narrow. */
const gridOf = (preset: PresetName) => (preset === 'smoke' ? { perDecade: 2, window: 1, edgeSteps: 0, maxExtensions: 2 } : { perDecade: 4, window: 3, edgeSteps: 2, maxExtensions: 6 });
/** The excess-loss window's half-width in decades: the window the grid fills around each optimum. */
const windowDecades = (preset: PresetName): number => gridOf(preset).window / gridOf(preset).perDecade;
const seedList = (n: number): number[] => Array.from({ length: n }, (_, i) => 2000 + i);

async function sweepContestant(ctx: StudyContext, c: Contestant): Promise<void> {
  const g = gridOf(ctx.preset);
  const seeds = seedList(ctx.seeds);
  const base = { ...c.optimizer, ...SCHEDULE };
  const withAdamW = 'adamwRatio' in c ? (lr: number) => ({ adamwLearningRate: Number((lr * c.adamwRatio).toPrecision(3)) }) : undefined;
  const sweep = (grid: number[], maxExtensions = 0) =>
    ctx.lrSweep('grids', { name: c.key, base, grid, horizon: 'short', seeds, perDecade: g.perDecade, maxExtensions, tags: { contestant: c.key }, with: withAdamW });
  // 1. Until the seed-mean optimum is bracketed.
  const located = await sweep(latticeAround(c.prior, 5, g.perDecade), g.maxExtensions);
  const best = located.reduce((a, b) => (b.mean < a.mean ? b : a));
  if (!Number.isFinite(best.mean)) return;
  // 2. The window around it, on the lattice (±0.75 decades: ±1 did not fit the study's hour).
  const k = latticeIndex(best.lr, g.perDecade);
  await sweep(Array.from({ length: 2 * g.window + 1 }, (_, i) => latticeLr(k - g.window + i, g.perDecade)));
  // 3. Further out while the 5% range still reaches an edge of what ran.
  for (let i = 0; i < g.edgeSteps; i++) {
    const all = curveFor(ctx.view(), c.key);
    const width = lrWidth(all, THRESHOLDS['5']);
    if (!width || !width.openSides.length) break;
    const [lo, hi] = [latticeIndex(all[0]!.lr, g.perDecade), latticeIndex(all[all.length - 1]!.lr, g.perDecade)];
    await sweep(width.openSides.map((side) => latticeLr(side === 'low' ? lo - 1 : hi + 1, g.perDecade)));
  }
}

const PHASES: Phase[] = [
  {
    name: 'grids',
    summary: 'every optimizer over the common LR lattice on every seed: until bracketed, a ±0.75-decade window, and out to its 5% range',
    async run(ctx) {
      await Promise.all(CONTESTANTS.map((c) => sweepContestant(ctx, c)));
    },
  },
  {
    name: 'sensitivity',
    summary: 'MuonMax-Momo with f* = 2 at its best LR and at the top of its grid, against f* = 0',
    async run(ctx) {
      const curve = curveFor(ctx.view(), 'muonmax-momo');
      const best = optimumLr(curve);
      if (!best) return;
      const lrs = [...new Set([best.lr, curve[curve.length - 1]!.lr])];
      const grid = pick(ctx.view(), { contestant: 'muonmax-momo', phase: 'grids' });
      await Promise.all(
        lrs.flatMap((lr) => {
          const at = grid.find((e) => e.result.optimizer.learningRate === lr)!;
          return seedList(ctx.seeds).map((seed) => ctx.run('sensitivity', { label: `lr ${lr}, f* 2`, horizon: 'short', optimizer: { ...at.result.optimizer, truncateLoss: 2 }, seed, tags: { contestant: 'muonmax-momo-f2', lr } }));
        }),
      );
    },
  },
];

/** A contestant's grid entries. */
const gridEntries = (view: StudyView, key: string): Entry[] => pick(view, { contestant: key, phase: 'grids' });

/** A contestant's seed-mean curve (of some seeds only, when given). */
const curveFor = (view: StudyView, key: string, seeds?: readonly number[]): CurvePoint[] => curveOf(gridEntries(view, key), seeds);

/** The seeds the grids ran on. */
const studySeeds = (view: StudyView): number[] => seedsOf(pick(view, { phase: 'grids' }));

function measured(view: StudyView): Section {
  const lnV = Math.log(PRESETS[view.preset].model.vocabSize);
  const seeds = studySeeds(view);
  const rows = CONTESTANTS.map((c) => {
    const curve = curveFor(view, c.key);
    const opt = optimumLr(curve);
    const perSeedBest = seeds.map((s) => optimumLr(curveFor(view, c.key, [s]))?.loss ?? NaN).filter(Number.isFinite);
    const ex = excessLoss(curve, { decades: windowDecades(view.preset), divergedLoss: lnV });
    const diverged = gridEntries(view, c.key).filter((e) => e.result.status === 'diverged').length;
    const range = curve.length ? `${curve[0]!.lr}–${curve[curve.length - 1]!.lr}` : '—';
    return [
      c.name, range, opt ? `${opt.lr}${opt.refinedLr ? ` (≈ ${opt.refinedLr.toPrecision(2)})` : ''}${opt.bracketed ? '' : ' (edge)'}` : '—', opt ? f4(opt.loss) : '—', pm(summarize(perSeedBest)),
      ...THRESHOLD_NAMES.map((t) => widthText(lrWidth(curve, THRESHOLDS[t]))),
      ex ? `${f4(ex.excess)}${ex.partial ? ` (${Math.round(ex.covered * 100)}% of the window)` : ''}` : '—',
      `${diverged} / ${gridEntries(view, c.key).length}`,
    ];
  });
  const ext = view.extensions.filter((e) => CONTESTANTS.some((c) => c.key === e.grid));
  const series = CONTESTANTS.map((c) => {
    const curve = curveFor(view, c.key).filter((p) => Number.isFinite(p.mean));
    const spread = (lr: number) => summarize(losses(gridEntries(view, c.key).filter((e) => e.result.optimizer.learningRate === lr))).std;
    return { name: c.name, color: c.color, points: curve.map((p) => [p.lr, p.mean] as [number, number]), band: curve.map((p) => [p.lr, p.mean - spread(p.lr), p.mean + spread(p.lr)] as [number, number, number]) };
  });
  const g = gridOf(view.preset);
  return {
    title: 'Robustness to the learning rate, measured',
    markdown: [
      table(['Optimizer', 'LRs run', 'Best LR (seed mean; ≈ parabola)', 'Best seed-mean loss', 'Best loss per seed', 'Width within 1% (decades)', 'within 2%', 'within 5%', `Mean excess loss, best ÷ 10^${windowDecades(view.preset)} to best × 10^${windowDecades(view.preset)}`, 'Diverged runs'], rows),
      '',
      `Every LR runs on the same ${seeds.length} seeds at the short horizon (${view.horizons.short} steps). The grid is one lattice of ${g.perDecade} points per decade (resolution ${(1 / g.perDecade).toFixed(2)} decades) for every optimizer. "Within x%": the range of learning rates whose seed-mean final loss stays within x% of the best seed mean, its ends interpolated linearly in log10(lr) between grid points, as the width log10(high/low); "≥" marks a range that reaches the edge of the grid, a lower bound. A diverged seed makes its LR's mean diverged. Mean excess loss: the seed-mean curve's average of (loss − best) over the same window relative to each optimizer's own best LR, ±${windowDecades(view.preset)} decades in log10(lr) (a diverged mean counts as ln V), over the part the grid covers.`,
      ext.length ? `\nGrids extended while the optimum sat on an edge: ${ext.map((e) => `${e.grid} to ${e.added.join(', ')} (${e.reason})`).join('; ')}.` : '',
    ].join('\n'),
    svgs: [['robustness-loss-vs-lr.svg', lineChart(`Final loss vs learning rate (mean ± std over seeds, ${view.horizons.short} steps)`, series, { logX: true, xLabel: 'learning rate', yLabel: 'validation loss' })]],
  };
}

/** "a tolerates a wider LR range than b" (width-claims.ts). */
function widthClaim(view: StudyView, question: string, a: string, b: string): Section {
  const claim = widerClaim({ name: a, entries: gridEntries(view, a) }, { name: b, entries: gridEntries(view, b) });
  return { title: question, markdown: claim.lines.map((l) => `- ${l}`).join('\n'), verdict: { question, verdict: claim.verdict, evidence: claim.lines.join('; '), reference: 'the paper: holds' } };
}

/** "a reaches the best or near-best loss": its best seed-mean against the best of the others, per seed (pairs). */
function bestClaim(view: StudyView, question: string, a: string): Section {
  const seeds = studySeeds(view);
  const bestPerSeed = (key: string) => seeds.map((s) => optimumLr(curveFor(view, key, [s]))?.loss ?? Infinity);
  const others = CONTESTANTS.filter((x) => x.key !== a).map((x) => ({ key: x.key, best: optimumLr(curveFor(view, x.key))?.loss ?? Infinity }));
  const rival = others.sort((x, y) => x.best - y.best)[0]!;
  const c = comparePaired(bestPerSeed(a), bestPerSeed(rival.key));
  const margin = 0.01 * rival.best;
  const verdict: Verdict = !c.ci || c.a.n < MIN_SEEDS ? lowerVerdict(c) : c.ci[1] < margin ? 'holds' : c.ci[0] > margin ? 'does not hold' : 'inconclusive at this scale';
  const evidence = `best loss ${a} − ${rival.key} (the best of the others), per seed: ${describeComparison(c)}; "near-best" = within 1% (${f4(margin)})`;
  return { title: question, markdown: `${evidence}.`, verdict: { question, verdict, evidence, reference: 'the paper: holds' } };
}

function sensitivity(view: StudyView): Section {
  const rows = [...new Set(pick(view, { contestant: 'muonmax-momo-f2' }).map((e) => e.tags['lr'] as number))].map((lr) => {
    const f2 = pick(view, { contestant: 'muonmax-momo-f2', lr }).sort((x, y) => x.seed - y.seed);
    const f0 = gridEntries(view, 'muonmax-momo').filter((e) => e.result.optimizer.learningRate === lr && f2.some((x) => x.seed === e.seed)).sort((x, y) => x.seed - y.seed);
    const c = comparePaired(f2.map((e) => score(e.result)), f0.map((e) => score(e.result)));
    return [String(lr), pm(c.a), pm(c.b), describeComparison(c)];
  });
  return {
    title: 'Sensitivity to Momo’s loss lower bound f*',
    markdown: [table(['LR', 'f* = 2', 'f* = 0', 'f* 2 − f* 0 (seed pairs)'], rows), '', 'f* = 0 is below any cross-entropy; f* = 2 is still below every loss our runs reach at this scale. A large difference would mean the result hinges on the choice of f*.'].join('\n'),
  };
}

/** What the evidence cannot carry, from the runs (the report adds threshold-dependent and inconclusive verdicts). */
function threats(view: StudyView): string[] {
  const out: string[] = [];
  const lnV = Math.log(PRESETS[view.preset].model.vocabSize);
  for (const c of CONTESTANTS) {
    const curve = curveFor(view, c.key);
    const opt = optimumLr(curve);
    if (opt && !opt.bracketed) out.push(`**Bound:** ${c.name}'s best learning rate (${opt.lr}) is on the edge of its grid: its optimum may lie beyond.`);
    const bounds = THRESHOLD_NAMES.filter((t) => lrWidth(curve, THRESHOLDS[t])?.lowerBound);
    if (bounds.length) out.push(`**Bounds:** ${c.name}'s width at ${bounds.map((t) => `${t}%`).join(', ')} reaches the edge of what ran (after ${gridOf(view.preset).edgeSteps} extra lattice steps per side at most): a lower bound.`);
    const ex = excessLoss(curve, { decades: windowDecades(view.preset), divergedLoss: lnV });
    if (ex?.partial) out.push(`**Partial window:** ${c.name}'s excess loss covers ${Math.round(ex.covered * 100)}% of its window.`);
  }
  out.push(
    `**What was cut to fit about an hour:** the window around each optimum is ±${windowDecades(view.preset)} decades (±1 was planned), the 5% range is followed at most ${gridOf(view.preset).edgeSteps} lattice steps past the window, ${view.seeds} seeds, one horizon (${view.horizons.short} steps, the short one): LR sensitivity can change with the horizon.`,
    '**Defaults, not tuned:** every optimizer runs with the paper’s defaults apart from the learning rate; another momentum or β2 could move each curve. Momo’s f* = 0 is checked against f* = 2 at two learning rates only.',
    '**Do not conclude** that an inconclusive claim means equal robustness, or read widths more finely than the lattice’s resolution (0.25 decades; the interpolation between points assumes the loss is linear in log-LR there).',
  );
  return out;
}

export const robustnessStudy: StudyDefinition = {
  name: 'robustness',
  protocol: 2,
  summary: 'is MuonMax(-Momo) less sensitive to the learning rate than Muon? (Crawshaw et al. 2025): one LR lattice for all, every point over seeds, widths at 1/2/5%',
  title: 'Learning-rate robustness: Muon, Muon-Momo, MuonMax, MuonMax-Momo and AdamW',
  defaultSeeds: (preset) => (preset === 'smoke' ? 2 : 3),
  phases: PHASES,
  threats,
  analyses: [
    measured,
    (v) => widthClaim(v, 'MuonMax is more robust to the learning rate than Muon', 'muonmax', 'muon'),
    (v) => widthClaim(v, 'Momo makes MuonMax more robust still', 'muonmax-momo', 'muonmax'),
    (v) => widthClaim(v, 'Momo makes Muon more robust', 'muon-momo', 'muon'),
    (v) => bestClaim(v, 'MuonMax-Momo reaches the best or near-best loss', 'muonmax-momo'),
    sensitivity,
  ],
  introduction: (view) =>
    `Checks the claims of Crawshaw, Modi, Liu & Gower, "An Exploration of Non-Euclidean Gradient Descent: Muon and its Many Variants" (arXiv:2510.09827) on the MoE model at the \`${view.preset}\` preset, ${view.horizons.short} optimizer steps per run. The paper's defaults where they differ from ours: Polar Express coefficients, momentum 0.95, betas (0.95, 0.95), a constant-then-linear schedule without warmup. Momo's f* = 0 (the paper's 3.2 is for GPT-2 on its data). Every Muon-family optimizer orthogonalises the same parameters: the hidden 2-D weights and each expert matrix of the 3-D expert stacks. Muon runs as our thesis split muon+adamw (AdamW for embeddings and norms; the paper's Muon treats them Adam-style too); Muon-Momo follows GPT-opt (sign steps for embeddings and norms).`,
};
