/**
 * A study file as a StudyDefinition the engine runs: each question kind contributes its phases
 * (lr-sensitivity grids, the fair tuning of the contestants that final comparisons and speedups
 * name, one-factor checks, in that order) and its report sections, in the file's order of questions.
 */
import type { PresetName } from '@optimlab/moe-model';
import type { Phase, Section, StudyContext, StudyDefinition, StudyView } from '../engine.js';
import { fairPhases, type SpeedupQuestion } from '../questions/fair-comparison.js';
import { finalSection } from '../questions/final-comparison.js';
import { speedupSection, speedupThreats } from '../questions/token-speedup.js';
import { curseSection, curvesSection, fairThreats, tuningSection } from '../questions/tuning-report.js';
import { lrSensitivityPhase, lrSensitivityThreats, measuredSection, nearBestSection, widerSection, windowDecades, type LrSensitivityQuestion } from '../questions/lr-sensitivity.js';
import { oneFactorPhase, oneFactorSection } from '../questions/one-factor.js';
import { planOf, playerOf, type Plan, type Player } from '../questions/plan.js';
import type { QuestionFile, StudyFile } from './schema.js';

/** Fills {preset}, {short}, {long}, {seeds}, {window}, {edgeSteps} into a text of the file. */
function fill(text: string, view: StudyView, plan: Plan): string {
  const values: Record<string, string | number> = { preset: view.preset, short: view.horizons.short, long: view.horizons.long, seeds: view.seeds, window: windowDecades(plan), edgeSteps: plan.grid.edgeSteps };
  return text.replace(/\{(\w+)\}/g, (all, k: string) => String(values[k] ?? all));
}

/** The lr-sensitivity question a contestant's grid belongs to (for one-factor checks at its best or top LR). */
const gridOf = (file: StudyFile, key: string): LrSensitivityQuestion | undefined => file.questions.find((q): q is LrSensitivityQuestion => q.kind === 'lr-sensitivity' && q.contestants.includes(key));

/** The contestants that are tuned: those a final comparison or a speedup names, or a one-factor check at 'tuned'. */
export function tunedKeys(file: StudyFile): string[] {
  const keys = file.questions.flatMap((q) => (q.kind === 'final-comparison' || q.kind === 'token-speedup' ? [q.contestant, q.baseline] : q.kind === 'one-factor' && q.at.includes('tuned') ? [q.contestant] : []));
  return file.contestants.map((c) => c.key).filter((k) => keys.includes(k));
}

export function compileStudy(file: StudyFile): StudyDefinition {
  const players = new Map<string, Player>(file.contestants.map((c, i) => [c.key, playerOf(c, i)]));
  const planFor = (ctx: StudyContext | StudyView): Plan => planOf(file, ctx.preset);
  const tuned = tunedKeys(file).map((k) => players.get(k)!);
  const speedups = file.questions.filter((q): q is SpeedupQuestion => q.kind === 'token-speedup');
  const grids = file.questions.filter((q): q is LrSensitivityQuestion => q.kind === 'lr-sensitivity');
  const phases: Phase[] = [
    ...grids.map((q) => lrSensitivityPhase(q, q.contestants.map((k) => players.get(k)!), planFor)),
    ...fairPhases(tuned, speedups, planFor),
    ...file.questions.flatMap((q) => (q.kind === 'one-factor' ? [oneFactorPhase(q, q.at.some((a) => a !== 'tuned') ? gridOf(file, q.contestant) : undefined)] : [])),
  ];
  const sectionsOf = (q: QuestionFile, view: StudyView, plan: Plan): Section[] => {
    switch (q.kind) {
      case 'lr-sensitivity': {
        const ps = q.contestants.map((k) => players.get(k)!);
        return [
          // The first keeps the plain names; another gets its id in them, so that no plot or heading is written twice.
          grids[0] === q ? measuredSection(view, q, ps, plan, `${file.name}-loss-vs-lr.svg`) : measuredSection(view, q, ps, plan, `${file.name}-${q.id}-loss-vs-lr.svg`, `Robustness to the learning rate, measured (${q.id})`),
          ...q.wider.map((w) => widerSection(view, q, w.question ?? `${players.get(w.contestant)!.name} tolerates a wider LR range than ${players.get(w.baseline)!.name}`, w.contestant, w.baseline, w.reference)),
          ...q.nearBest.map((n) => nearBestSection(view, q, ps, n.question ?? `${players.get(n.contestant)!.name} reaches the best or near-best loss`, n.contestant, n.reference)),
        ];
      }
      case 'final-comparison':
        return [finalSection(view, q, players, plan)];
      case 'token-speedup':
        return [speedupSection(view, q, players, plan)];
      case 'one-factor':
        return [oneFactorSection(view, q, players, q.at.some((a) => a !== 'tuned') ? gridOf(file, q.contestant) : undefined)];
    }
  };
  const analyses = [
    ...(tuned.length ? [(view: StudyView) => tuningSection(view, tuned, planFor(view))] : []),
    // One analysis per section a question makes (the engine's analyses are one section each).
    ...file.questions.flatMap((q) => {
      const n = q.kind === 'lr-sensitivity' ? 1 + q.wider.length + q.nearBest.length : 1;
      return Array.from({ length: n }, (_, i) => (view: StudyView) => sectionsOf(q, view, planFor(view))[i]!);
    }),
    ...(tuned.length ? [(view: StudyView) => curseSection(view, tuned), (view: StudyView) => curvesSection(view, tuned)] : []),
  ];
  return {
    name: file.name,
    protocol: file.protocol,
    summary: file.summary ?? file.title,
    title: file.title,
    defaultSeeds: (preset: PresetName) => planOf(file, preset).seeds,
    phases,
    analyses,
    threats: (view) => {
      const plan = planFor(view);
      return [...grids.flatMap((q) => lrSensitivityThreats(view, q, q.contestants.map((k) => players.get(k)!), plan)), ...(tuned.length ? fairThreats(view, tuned) : []), ...speedups.flatMap((q) => speedupThreats(view, q, players, plan)), ...file.threats.map((t) => fill(t, view, plan))];
    },
    introduction: (view) => fill(file.introduction ?? `${file.title}, on the \`{preset}\` preset.`, view, planFor(view)),
  };
}
