/** Picking runs out of a study view, and the small tables and plots every study's report uses. */
import type { RunResult } from '../runs.js';
import { lineChart, type Series } from '../svg.js';
import type { StudyView, Tags } from './engine.js';
import { summarize } from './stats.js';

export type Entry = StudyView['entries'][number];

/** Entries whose tags include every given tag (and phase/horizon when given). */
export function pick(view: StudyView, where: Tags & { phase?: string; horizon?: 'short' | 'long' }): Entry[] {
  const { phase, horizon, ...tags } = where;
  return view.entries.filter((e) => (!phase || e.phase === phase) && (!horizon || e.horizon === horizon) && Object.entries(tags).every(([k, v]) => e.tags[k] === v));
}

/** The final validation loss, or Infinity for a diverged run (what every ranking uses). */
export const score = (r: RunResult): number => (r.status === 'finished' && r.finalLoss !== null ? r.finalLoss : Infinity);

/** Final losses of the finished runs (diverged runs are counted separately). */
export const losses = (es: readonly Entry[]): number[] => es.filter((e) => Number.isFinite(score(e.result))).map((e) => score(e.result));

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
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
