/**
 * The robustness study (Crawshaw, Modi, Liu & Gower 2025, arXiv:2510.09827): is MuonMax(-Momo)
 * less sensitive to the learning rate than Muon? Each optimizer over a wide log-spaced LR grid (3.5
 * decades, 8 points, ×√10 apart; extended while the optimum is on an edge), several seeds, the
 * paper's defaults where they differ from ours (Polar Express coefficients, momentum 0.95, betas
 * (0.95, 0.95), constant-then-linear schedule, no warmup). AdamW is the reference point.
 *
 * Where our model forces a change: Muon runs as our thesis split `muon+adamw` (the paper's Muon
 * uses an Adam-style direction for embeddings); Momo's truncation needs a loss lower bound f*, and
 * the paper's 3.2 suits GPT-2 on its data, not our vocabulary, so f* = 0 (cross-entropy is never
 * negative, so 0 is below any loss our model reaches), with a sensitivity check at f* = 2. Muon-Momo
 * is GPT-opt's: LMO steps, polar on hidden matrices and sign elsewhere (embeddings, norms).
 */
import { PRESETS } from '@optimlab/moe-model';
import { lineChart } from '../svg.js';
import type { Phase, Section, StudyDefinition, StudyView } from './engine.js';
import { bestOf, losses, pick, score, table, tolerance, type Entry } from './select.js';
import { compare, describeComparison, lowerVerdict, pm, summarize, type Verdict } from './stats.js';

const SCHEDULE = { schedule: 'constant-linear', warmupRatio: 0, minLrRatio: 0.1 };
const decades = (low: number, n = 8): number[] => Array.from({ length: n }, (_, i) => Number((low * 10 ** (i / 2)).toPrecision(3)));

/** The contestants: registry names with the paper's defaults, and their LR grids. */
const CONTESTANTS = [
  { key: 'muon', name: 'Muon (+AdamW)', color: '#d62728', optimizer: { name: 'muon+adamw', coefficients: 'polarExpress', momentum: 0.95, nesterov: true, adamwWeightDecay: 0 }, grid: decades(1e-3), adamwRatio: 0.1 },
  { key: 'muon-momo', name: 'Muon-Momo (f* = 0)', color: '#ff7f0e', optimizer: { name: 'muon-momo', coefficients: 'polarExpress', momentum: 0.95, truncateLoss: 0 }, grid: decades(1e-3) },
  { key: 'muonmax', name: 'MuonMax', color: '#2ca02c', optimizer: { name: 'muonmax', coefficients: 'polarExpress', momentum: 0.95, b2: 0.95 }, grid: decades(1e-4) },
  { key: 'muonmax-momo', name: 'MuonMax-Momo (f* = 0)', color: '#9467bd', optimizer: { name: 'muonmax-momo', coefficients: 'polarExpress', momentum: 0.95, b2: 0.95, truncateLoss: 0 }, grid: decades(1e-4) },
  { key: 'adamw', name: 'AdamW', color: '#1f77b4', optimizer: { name: 'adamw', b1: 0.9, b2: 0.95, weightDecay: 0 }, grid: decades(1e-5) },
] as const;

const seedList = (n: number): number[] => Array.from({ length: n }, (_, i) => 2000 + i);

const PHASES: Phase[] = [
  {
    name: 'grids',
    summary: 'every optimizer over its LR grid, extended until the optimum is bracketed, for each seed',
    async run(ctx) {
      const contestant = async (c: (typeof CONTESTANTS)[number]): Promise<void> => {
        // The first seed decides the extension; the other seeds run the same (extended) grid.
        const first = await ctx.lrSweep('grids', {
          // The smoke preset (a plumbing check) thins each grid to 4 points ×10 apart and extends once.
          name: c.key, base: { ...c.optimizer, ...SCHEDULE }, grid: ctx.preset === 'smoke' ? c.grid.filter((_, i) => i % 2 === 0) : c.grid, horizon: 'short', seeds: [2000], tags: { contestant: c.key, seed: 2000 },
          maxExtensions: ctx.preset === 'smoke' ? 1 : 3,
          with: 'adamwRatio' in c ? (lr: number) => ({ adamwLearningRate: Number((lr * c.adamwRatio).toPrecision(3)) }) : undefined,
        });
        await Promise.all(
          seedList(ctx.seeds)
            .slice(1)
            .flatMap((seed) => first.map(({ results: [result] }) => ctx.run('grids', { label: `lr ${result!.optimizer.learningRate}`, horizon: 'short', optimizer: { ...result!.optimizer }, seed, tags: { contestant: c.key, seed, sweep: c.key } }))),
        );
      };
      await Promise.all(CONTESTANTS.map(contestant));
    },
  },
  {
    name: 'sensitivity',
    summary: 'MuonMax-Momo with f* = 2 at its best LR and at the top of its grid, against f* = 0',
    async run(ctx) {
      const view = ctx.view();
      const points = pick(view, { contestant: 'muonmax-momo', seed: 2000 });
      const best = bestOf(points);
      const top = [...points].sort((a, b) => b.result.optimizer.learningRate - a.result.optimizer.learningRate)[0];
      await Promise.all(
        [best, top].flatMap((e) =>
          e ? seedList(ctx.seeds).map((seed) => ctx.run('sensitivity', { label: `lr ${e.result.optimizer.learningRate}, f* 2`, horizon: 'short', optimizer: { ...e.result.optimizer, truncateLoss: 2 }, seed, tags: { contestant: 'muonmax-momo-f2', lr: e.result.optimizer.learningRate } })) : [],
        ),
      );
    },
  },
];

/** Per seed: the contestant's grid points of that seed. */
function perSeed(view: StudyView, key: string): Entry[][] {
  const all = pick(view, { contestant: key, phase: 'grids' });
  const seeds = [...new Set(all.map((e) => e.seed))].sort();
  return seeds.map((s) => all.filter((e) => e.seed === s));
}

interface Robustness {
  readonly best: number[];
  readonly widths: Record<'1' | '2' | '5', number[]>;
  /** Mean over the grid of (loss − best); a diverged point counts as ln V − best. */
  readonly excess: number[];
  readonly diverged: number;
  readonly points: number;
}

function robustness(view: StudyView, key: string, lnV: number): Robustness {
  const seeds = perSeed(view, key);
  const widthsAt = (f: number) => seeds.map((es) => tolerance(es, f)?.decades ?? NaN).filter(Number.isFinite);
  return {
    best: seeds.map((es) => Math.min(...es.map((e) => score(e.result)))).filter(Number.isFinite),
    widths: { '1': widthsAt(0.01), '2': widthsAt(0.02), '5': widthsAt(0.05) },
    excess: seeds.map((es) => {
      const best = Math.min(...es.map((e) => score(e.result)));
      return es.reduce((t, e) => t + (Number.isFinite(score(e.result)) ? score(e.result) : lnV) - best, 0) / es.length;
    }).filter(Number.isFinite),
    diverged: seeds.flat().filter((e) => e.result.status === 'diverged').length,
    points: seeds.flat().length,
  };
}

const pmDecades = (xs: number[]): string => (xs.length ? `${summarize(xs).mean.toFixed(2)} ± ${summarize(xs).std.toFixed(2)}` : '—');

function measured(view: StudyView): Section {
  const lnV = Math.log(PRESETS[view.preset].model.vocabSize);
  const rows = CONTESTANTS.map((c) => {
    const r = robustness(view, c.key, lnV);
    return [c.name, pm(summarize(r.best)), pmDecades(r.widths['1']), pmDecades(r.widths['2']), pmDecades(r.widths['5']), pm(summarize(r.excess)), `${r.diverged} / ${r.points}`];
  });
  const ext = view.extensions.filter((e) => CONTESTANTS.some((c) => c.key === e.grid));
  const series = CONTESTANTS.map((c) => {
    const byLr = new Map<number, number[]>();
    for (const e of pick(view, { contestant: c.key, phase: 'grids' })) byLr.set(e.result.optimizer.learningRate, [...(byLr.get(e.result.optimizer.learningRate) ?? []), score(e.result)]);
    const lrs = [...byLr.keys()].sort((a, b) => a - b);
    const stats = lrs.map((lr) => [lr, summarize(byLr.get(lr)!.filter(Number.isFinite))] as const).filter(([, s]) => s.n > 0);
    return { name: c.name, color: c.color, points: stats.map(([lr, s]) => [lr, s.mean] as [number, number]), band: stats.map(([lr, s]) => [lr, s.mean - s.std, s.mean + s.std] as [number, number, number]) };
  });
  return {
    title: 'Robustness to the learning rate, measured',
    markdown: [
      table(['Optimizer', 'Best loss', 'LR range within 1% (decades)', 'within 2%', 'within 5%', 'Mean excess loss over the grid', 'Diverged'], rows),
      '',
      `Each cell is mean ± std over ${view.seeds} seeds (every seed runs the whole grid at the short horizon, ${view.horizons.short} steps). "Within x%": the learning rates whose final loss is within x% of that seed's best, as the width log10(high/low). Mean excess loss: the average over the grid of (loss − best), with a diverged point counted at ln V − best.`,
      ext.length ? `\nGrids extended: ${ext.map((e) => `${e.grid} to ${e.added.join(', ')} (${e.reason})`).join('; ')}.` : '\nEvery optimum was inside its grid.',
    ].join('\n'),
    svgs: [['robustness-loss-vs-lr.svg', lineChart(`Final loss vs learning rate (mean ± std over seeds, ${view.horizons.short} steps)`, series, { logX: true, xLabel: 'learning rate', yLabel: 'validation loss' })]],
  };
}

function claim(view: StudyView, question: string, a: string, b: string, what: 'width' | 'best'): Section {
  const lnV = Math.log(PRESETS[view.preset].model.vocabSize);
  const [ra, rb] = [robustness(view, a, lnV), robustness(view, b, lnV)];
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence: string;
  if (what === 'width') {
    const c = compare(rb.widths['2'], ra.widths['2']); // b − a: negative when a is wider
    verdict = lowerVerdict(c);
    evidence = `2% LR range, ${b} − ${a}: ${describeComparison(c, 'decades')}`;
  } else {
    const others = CONTESTANTS.filter((x) => x.key !== a).map((x) => ({ key: x.key, r: robustness(view, x.key, lnV) }));
    const bestOther = others.sort((x, y) => summarize(x.r.best).mean - summarize(y.r.best).mean)[0]!;
    const c = compare(ra.best, bestOther.r.best);
    const near = c.ci ? c.ci[1] < 0.01 * summarize(bestOther.r.best).mean : false;
    verdict = !c.ci ? 'inconclusive at this scale' : near ? 'holds' : c.ci[0] > 0.01 * summarize(bestOther.r.best).mean ? 'does not hold' : 'inconclusive at this scale';
    evidence = `best loss ${a} − ${bestOther.key} (the best of the others): ${describeComparison(c)}; "near-best" = within 1%`;
  }
  return { title: question, markdown: `${evidence}.`, verdict: { question, verdict, evidence, reference: 'the paper: holds' } };
}

function sensitivity(view: StudyView): Section {
  const rows = [...new Set(pick(view, { contestant: 'muonmax-momo-f2' }).map((e) => e.tags['lr'] as number))].map((lr) => {
    const f2 = losses(pick(view, { contestant: 'muonmax-momo-f2', lr }));
    const f0 = losses(pick(view, { contestant: 'muonmax-momo', phase: 'grids' }).filter((e) => e.result.optimizer.learningRate === lr));
    const c = compare(f2, f0);
    return [String(lr), pm(c.a), pm(c.b), describeComparison(c)];
  });
  return {
    title: 'Sensitivity to Momo’s loss lower bound f*',
    markdown: [table(['LR', 'f* = 2', 'f* = 0', 'f* 2 − f* 0'], rows), '', 'f* = 0 is below any cross-entropy; f* = 2 is still below every loss our runs reach at this scale. A large difference would mean the result hinges on the choice of f*.'].join('\n'),
  };
}

export const robustnessStudy: StudyDefinition = {
  name: 'robustness',
  summary: 'is MuonMax(-Momo) less sensitive to the learning rate than Muon? (Crawshaw et al. 2025): wide LR grids over seeds, AdamW as reference',
  title: 'Learning-rate robustness: Muon, Muon-Momo, MuonMax, MuonMax-Momo and AdamW',
  defaultSeeds: (preset) => (preset === 'smoke' ? 2 : 3),
  phases: PHASES,
  analyses: [
    measured,
    (v) => claim(v, 'MuonMax is more robust to the learning rate than Muon', 'muonmax', 'muon', 'width'),
    (v) => claim(v, 'Momo makes MuonMax more robust still', 'muonmax-momo', 'muonmax', 'width'),
    (v) => claim(v, 'Momo makes Muon more robust', 'muon-momo', 'muon', 'width'),
    (v) => claim(v, 'MuonMax-Momo reaches the best or near-best loss', 'muonmax-momo', '', 'best'),
    sensitivity,
  ],
  introduction: (view) =>
    `Checks the claims of Crawshaw, Modi, Liu & Gower, "An Exploration of Non-Euclidean Gradient Descent: Muon and its Many Variants" (arXiv:2510.09827) on the MoE model at the \`${view.preset}\` preset, ${view.horizons.short} optimizer steps per run. The paper's defaults where they differ from ours: Polar Express coefficients, momentum 0.95, betas (0.95, 0.95), a constant-then-linear schedule without warmup. Momo's f* = 0 (the paper's 3.2 is for GPT-2 on its data). Muon runs as our thesis split muon+adamw (the paper's Muon treats embeddings Adam-style); Muon-Momo follows GPT-opt (sign steps for embeddings and norms).`,
};
