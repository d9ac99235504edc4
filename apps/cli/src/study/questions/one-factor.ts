/**
 * The one-factor question: one change (a knob or several) from a point the study already ran — the
 * best or the highest learning rate of the contestant's lr-sensitivity grid, or its tuned config —
 * on the same seeds, compared with the unchanged runs as seed pairs.
 */
import type { Phase, Section, StudyView } from '../engine.js';
import type { QuestionFile } from '../file/schema.js';
import { pick, score, table, type Entry } from '../select.js';
import { optimumLr } from '../sensitivity.js';
import { comparePaired, describeComparison, pm } from '../stats.js';
import { CHECK_SEEDS, finals, tuningOf } from './fair-comparison.js';
import { curveFor, type LrSensitivityQuestion } from './lr-sensitivity.js';
import { freshSeeds, type Player } from './plan.js';

export type OneFactorQuestion = Extract<QuestionFile, { kind: 'one-factor' }>;

/** The tag its runs carry. */
const groupOf = (q: OneFactorQuestion): string => q.group ?? `${q.contestant}-${q.id}`;

/** The unchanged runs at each point asked for: from the grid (by LR) or the tuned finals. */
function basePoints(view: StudyView, q: OneFactorQuestion, grid: LrSensitivityQuestion | undefined): { lr: number; runs: Entry[] }[] {
  const points: { lr: number; runs: Entry[] }[] = [];
  if (grid) {
    const curve = curveFor(view, grid, q.contestant);
    const best = optimumLr(curve);
    const lrs = [...new Set(q.at.flatMap((at) => (at === 'best' && best ? [best.lr] : at === 'top' && best ? [curve[curve.length - 1]!.lr] : [])))];
    const runs = pick(view, { contestant: q.contestant, phase: grid.id });
    for (const lr of lrs) points.push({ lr, runs: runs.filter((e) => e.result.optimizer.learningRate === lr) });
  }
  const tuned = tuningOf(view, q.contestant);
  if (q.at.includes('tuned') && tuned) points.push({ lr: tuned.config['learningRate'] as number, runs: finals(view, q.contestant).slice(0, CHECK_SEEDS) });
  return points;
}

export function oneFactorPhase(q: OneFactorQuestion, grid: LrSensitivityQuestion | undefined): Phase {
  return {
    name: q.id,
    summary: `${q.contestant} with ${q.label} at ${q.at.join(' and ')}, against the unchanged runs on the same seeds`,
    async run(ctx) {
      const view = ctx.view();
      const horizon = grid?.horizon ?? 'long';
      await Promise.all(
        basePoints(view, q, grid).flatMap(({ lr, runs }) => {
          const at = runs[0];
          if (!at) return [];
          const seeds = grid ? freshSeeds(ctx.seeds) : runs.map((e) => e.seed);
          return seeds.map((seed) => ctx.run(q.id, { label: `lr ${lr}, ${q.label}`, horizon: grid ? horizon : at.horizon, optimizer: { ...at.result.optimizer, ...q.change }, seed, tags: { contestant: groupOf(q), lr } }));
        }),
      );
    },
  };
}

export function oneFactorSection(view: StudyView, q: OneFactorQuestion, players: ReadonlyMap<string, Player>, grid: LrSensitivityQuestion | undefined): Section {
  const changed = pick(view, { contestant: groupOf(q) });
  // The unchanged runs at an LR: the grid's there, or else the tuned finals.
  const unchanged = (lr: number): Entry[] => {
    const onGrid = grid ? pick(view, { contestant: q.contestant, phase: grid.id }).filter((e) => e.result.optimizer.learningRate === lr) : [];
    return onGrid.length ? onGrid : finals(view, q.contestant).filter((e) => e.result.optimizer.learningRate === lr);
  };
  const rows = [...new Set(changed.map((e) => e.tags['lr'] as number))].map((lr) => {
    const mine = pick(view, { contestant: groupOf(q), lr }).sort((x, y) => x.seed - y.seed);
    const theirs = unchanged(lr).filter((e) => mine.some((x) => x.seed === e.seed)).sort((x, y) => x.seed - y.seed);
    const c = comparePaired(mine.filter((e) => theirs.some((x) => x.seed === e.seed)).map((e) => score(e.result)), theirs.map((e) => score(e.result)));
    return [String(lr), pm(c.a), pm(c.b), describeComparison(c)];
  });
  const [changedName, baseName] = q.columns ?? [q.label, q.baselineLabel];
  return {
    title: q.title ?? q.question ?? `${players.get(q.contestant)!.name}: ${q.label} against ${q.baselineLabel}`,
    markdown: [table(['LR', changedName, baseName, `${q.label} − ${q.baselineLabel} (seed pairs)`], rows), ...(q.note ? ['', q.note] : [])].join('\n'),
  };
}
