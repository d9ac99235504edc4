/**
 * The runs a study file plans on a preset, before anything runs: the least and the most each
 * question can take (grids extend while an optimum sits on an edge, so the count is a range), with
 * their steps, for `optimlab study check`.
 */
import { PRESETS, type PresetName } from '@optimlab/moe-model';
import { BASELINE_BUDGETS, CHECK_SEEDS, CONTENDER_BUDGETS } from '../questions/fair-comparison.js';
import { planOf, playerOf } from '../questions/plan.js';
import { tunedKeys } from './compile.js';
import type { StudyFile } from './schema.js';

export interface PlannedRuns {
  readonly what: string;
  /** The optimizer most of these runs use (for the time per step). */
  readonly optimizer: string;
  readonly min: number;
  readonly max: number;
  readonly steps: number;
}

export function plannedRuns(file: StudyFile, preset: PresetName, seedsFlag?: number): PlannedRuns[] {
  const plan = planOf(file, preset);
  const seeds = seedsFlag ?? plan.seeds;
  const h = PRESETS[preset].study;
  const stepsOf = (x: 'short' | 'long' | number): number => (typeof x === 'number' ? x : h[x]);
  const players = new Map(file.contestants.map((c, i) => [c.key, playerOf(c, i)]));
  const out: PlannedRuns[] = [];
  for (const q of file.questions) {
    if (q.kind === 'lr-sensitivity') {
      const g = plan.grid;
      for (const k of q.contestants) {
        const p = players.get(k)!;
        const first = p.grid(g.perDecade).length;
        const window = 2 * g.window + 1;
        out.push({ what: `${q.id}: ${k} over the LR lattice × ${seeds} seeds`, optimizer: String(p.base['name']), min: Math.max(first, window) * seeds, max: (first + g.maxExtensions + window + 2 * g.edgeSteps) * seeds, steps: stepsOf(q.horizon) });
      }
    }
    if (q.kind === 'one-factor') {
      const n = q.at.filter((a) => a !== 'tuned').length * seeds + (q.at.includes('tuned') ? CHECK_SEEDS : 0);
      out.push({ what: `${q.id}: ${q.contestant} with ${q.label}`, optimizer: String(players.get(q.contestant)!.base['name']), min: Math.min(n, seeds), max: n, steps: stepsOf(q.at.includes('tuned') ? plan.tuning.horizon : (file.questions.find((x) => x.kind === 'lr-sensitivity' && x.contestants.includes(q.contestant)) as { horizon: 'short' | 'long' | number } | undefined)?.horizon ?? 'short') });
    }
  }
  const t = plan.tuning;
  const tuned = tunedKeys(file);
  for (const k of tuned) {
    const p = players.get(k)!;
    const grid = p.grid(t.perDecade).length;
    const knobs = p.knobs(t.maxAlternatives);
    const alternatives = knobs.reduce((n, knob) => n + knob.alternatives.length, 0);
    const ownLr = knobs.filter((knob) => knob.ownLr).reduce((n, knob) => n + knob.alternatives.length * 4, 0);
    const min = (grid + alternatives) * t.seeds;
    out.push({ what: `tune: ${k} (LR grid, then ${knobs.map((knob) => knob.name).join(', ') || 'no knobs'}) × ${t.seeds} tuning seed${t.seeds === 1 ? '' : 's'}`, optimizer: String(p.base['name']), min, max: min + t.maxExtensions * t.seeds + ownLr + (t.balance && tuned.length > 1 ? 8 * t.seeds : 0), steps: stepsOf(t.horizon) });
    out.push({ what: `final: ${k} tuned, on ${seeds} fresh seeds`, optimizer: String(p.base['name']), min: seeds, max: seeds, steps: stepsOf(t.horizon) });
    const budgets = new Set(file.questions.flatMap((q) => (q.kind !== 'token-speedup' ? [] : q.baseline === k ? BASELINE_BUDGETS : q.contestant === k ? CONTENDER_BUDGETS : [])).filter((f) => f !== 1));
    for (const f of budgets) out.push({ what: `budgets: ${k} at ${Math.round(stepsOf(t.horizon) * f)} steps (LR checked on one seed, then ${CHECK_SEEDS} fresh seeds)`, optimizer: String(p.base['name']), min: 3 + CHECK_SEEDS, max: 4 + CHECK_SEEDS, steps: Math.round(stepsOf(t.horizon) * f) });
  }
  return out;
}
