/** Picking runs out of a study view, and the small tables and plots every study's report uses. */
import type { RunResult } from '../runs.js';
import { lineChart, type Series } from '../svg.js';
import type { StudyView, Tags } from './engine.js';
import { f4, summarize } from './stats.js';

export type Entry = StudyView['entries'][number];

/** Entries whose tags include every given tag (and phase/horizon when given). */
export function pick(view: StudyView, where: Tags & { phase?: string; horizon?: 'short' | 'long' }): Entry[] {
  const { phase, horizon, ...tags } = where;
  return view.entries.filter((e) => (!phase || e.phase === phase) && (!horizon || e.horizon === horizon) && Object.entries(tags).every(([k, v]) => e.tags[k] === v));
}

/** The final validation loss, or Infinity for a diverged run (what every ranking uses). */
export const score = (r: RunResult): number => (r.status === 'finished' && r.finalLoss !== null ? r.finalLoss : Infinity);

export const bestOf = (es: readonly Entry[]): Entry | undefined => [...es].sort((a, b) => score(a.result) - score(b.result))[0];

/** Final losses of the finished runs (diverged runs are counted separately). */
export const losses = (es: readonly Entry[]): number[] => es.filter((e) => Number.isFinite(score(e.result))).map((e) => score(e.result));

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const lossCell = (r: RunResult): string => (r.status === 'diverged' ? `diverged (step ${r.steps})` : f4(r.finalLoss));

/** An LR sweep as rows: LR | final loss | best loss | accuracy | time [| reference]. */
export function sweepRows(es: readonly Entry[], reference?: Readonly<Record<string, number>>): string[][] {
  return [...es]
    .sort((a, b) => a.result.optimizer.learningRate - b.result.optimizer.learningRate)
    .map((e) => {
      const lr = e.result.optimizer.learningRate;
      const row = [String(lr), lossCell(e.result), f4(e.result.bestLoss), e.result.finalAccuracy.toFixed(4), `${e.result.seconds.toFixed(0)} s`];
      return reference ? [...row, f4(reference[String(lr)])] : row;
    });
}

/** Learning rates whose final loss is within `fraction` of the sweep's best, as [low, high] and width in decades. */
export function tolerance(es: readonly Entry[], fraction: number): { low: number; high: number; decades: number } | null {
  const finite = es.filter((e) => Number.isFinite(score(e.result)));
  if (!finite.length) return null;
  const best = Math.min(...finite.map((e) => score(e.result)));
  const ok = finite.filter((e) => score(e.result) <= best * (1 + fraction)).map((e) => e.result.optimizer.learningRate);
  const [low, high] = [Math.min(...ok), Math.max(...ok)];
  return { low, high, decades: Math.log10(high / low) };
}

/** Mean validation curve over seeds with a ±1 std band (steps where every seed has a reading). */
export function meanCurve(es: readonly Entry[], name: string, color: string): Series {
  const steps = [...new Set(es.flatMap((e) => e.result.curve.map(([s]) => s)))].sort((a, b) => a - b);
  const points: [number, number][] = [];
  const band: [number, number, number][] = [];
  for (const s of steps) {
    const vs = es.map((e) => e.result.curve.find(([t]) => t === s)?.[1]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (vs.length !== es.length || !vs.length) continue;
    const { mean, std } = summarize(vs);
    points.push([s, mean]);
    band.push([s, mean - std, mean + std]);
  }
  return { name: `${name} (${es.length} seed${es.length === 1 ? '' : 's'}, mean ± std)`, color, points, band };
}

export function curvesChart(title: string, series: readonly Series[]): string {
  return lineChart(title, series, { integerX: true, xLabel: 'optimizer step', yLabel: 'validation loss' });
}
