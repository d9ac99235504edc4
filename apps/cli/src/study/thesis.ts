/**
 * The thesis study (shared/reference/thesis.md): Muon(+AdamW) vs AdamW on the MoE model, scaled to
 * a preset, on the fair protocol (thesis-plan.ts: what runs; tuning.ts: how each is tuned). Every
 * research question gets a section with its statistics and a verdict beside the thesis's finding.
 */
import type { Section, StudyDefinition, StudyView } from './engine.js';
import { table } from './select.js';
import { f4 } from './stats.js';
import { CONTESTANTS, THESIS_PHASES, tuningOf } from './thesis-plan.js';

function tuningSection(view: StudyView): Section {
  const rows = (['muon', 'adam'] as const).flatMap((key) => {
    const t = tuningOf(view, key);
    if (!t) return [];
    return t.path.map((s) => [CONTESTANTS[key].name, s.knob, `${s.incumbent.label} ${f4(s.incumbent.mean)}`, s.tried.map((v) => `${v.label} (lr ${v.learningRate}) ${f4(v.mean)}`).join('; '), s.kept ?? 'kept the incumbent', f4(s.threshold)]);
  });
  return { title: 'Tuning', markdown: table(['Optimizer', 'Knob', 'Incumbent', 'Tried', 'Decision', 'Noise'], rows) };
}

export const thesisStudy: StudyDefinition = {
  name: 'thesis',
  protocol: 2,
  summary: 'Muon vs Adam on the MoE model (Rosić 2025) on the fair protocol: equal tuning at the deciding horizon, fresh seeds, token speedup, six research questions',
  title: 'Muon vs Adam on a Mixture-of-Experts transformer',
  defaultSeeds: (preset) => (preset === 'smoke' ? 2 : 5),
  phases: THESIS_PHASES,
  analyses: [tuningSection],
  introduction: (view) =>
    `Reproduces V. Rosić, "Analysis and Design of Novel Optimizers for Neural Networks" (2025) on the \`${view.preset}\` preset.`,
};
