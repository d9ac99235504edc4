/**
 * What the fair protocol reports about its own tuning, for every study whose contestants are tuned
 * (a study file's final comparisons and speedups, and the thesis): the tuning path and budgets, the
 * winner's curse, the tuned configs' curves, and the threats to validity the tuning leaves.
 */
import type { Section, StudyView } from '../engine.js';
import { curvesChart, losses, meanCurve, pick, table } from '../select.js';
import { compare, describeComparison, f4, pm, type Comparison } from '../stats.js';
import type { TuningStep } from '../tuning.js';
import { CHECK_SEEDS, dedupe, finals, tuningBudget, tuningHorizonSteps, tuningOf } from './fair-comparison.js';
import { tuningSeeds, type Plan, type Player } from './plan.js';

const budgetsOf = (view: StudyView, tuned: readonly Player[]) => tuned.map((p) => tuningBudget(view, p.key));
const ratioOf = (budgets: readonly number[]) => Math.max(...budgets) / Math.max(1, Math.min(...budgets));

/** What each alternative of a tuning step reached (with its own LR, and whether that LR was bracketed). */
const tried = (s: TuningStep): string =>
  s.tried.map((v) => `${v.label}${v.label.startsWith('lr ') ? '' : ` (lr ${v.learningRate}${v.lrBracketed === false ? ', at the edge of its check' : ''})`}: ${f4(v.mean)}`).join('; ');

/** The knobs tuned, in order of first appearance: "schedule (each alternative with its own learning rate), warmup, momentum". */
function knobList(tuned: readonly Player[], plan: Plan): string {
  const knobs = tuned.flatMap((p) => p.knobs(plan.tuning.maxAlternatives));
  const names = [...new Set(knobs.map((k) => k.name))];
  return names.map((n) => `${n}${knobs.some((k) => k.name === n && k.ownLr) ? ' (each alternative with its own learning rate)' : ''}`).join(', ');
}

export function tuningSection(view: StudyView, tuned: readonly Player[], plan: Plan): Section {
  const budgets = budgetsOf(view, tuned);
  const knobs = knobList(tuned, plan);
  const rows = tuned.flatMap((p) => {
    const t = tuningOf(view, p.key);
    if (!t) return [];
    return [
      [p.name, 'learning rate', '—', t.lrSweep.map((x) => `${x.lr}: ${f4(x.mean)}`).join(', '), `lr ${t.path[0]?.incumbent.learningRate ?? t.config['learningRate']}`, `noise ${f4(t.noise)}`],
      ...t.path.map((s) => [p.name, s.knob, `${s.incumbent.label}: ${f4(s.incumbent.mean)}`, tried(s), s.kept ? `**${s.kept}** (−${f4(s.improvement)})` : `kept the incumbent (best alternative ${s.improvement >= 0 ? '−' : '+'}${f4(Math.abs(s.improvement))})`, f4(s.threshold)]),
    ];
  });
  return {
    title: 'Tuning: the same procedure and budget for every contestant',
    markdown: [
      `Every contestant went through the same procedure at the tuning horizon (${tuningHorizonSteps(view, plan)} steps) on the same tuning seed${plan.tuning.seeds === 1 ? '' : 's'} (${tuningSeeds(plan.tuning.seeds).join(', ')}): a learning-rate grid on one lattice of ${plan.tuning.perDecade} points per decade, every point on every seed, extended until the best seed mean was inside the grid; ${knobs ? `then one knob at a time, in order (${knobs}), every alternative on every tuning seed, kept only when its mean beat the incumbent's by more than the seed noise (the pooled seed std near the best learning rate)` : 'no other knob was tuned'}${plan.tuning.balance ? '; last, when one side had made fewer than 90% of another’s runs, more learning rates around its tuned config (the top-up)' : ''}. Means are over the tuning seeds.`,
      '',
      table(['Contestant', 'Knob', 'Incumbent (mean)', 'Tried (mean)', 'Decision', 'Noise threshold'], rows),
      '',
      ...tuned.map((p, i) => {
        const t = tuningOf(view, p.key);
        return t ? `- **${p.name}**: \`${JSON.stringify(t.config)}\`, ${f4(t.mean)} on the tuning seeds; ${budgets[i]} runs` : `- **${p.name}**: not tuned yet`;
      }),
      '',
      `Budgets: ${tuned.map((p, i) => `${p.name} ${budgets[i]} runs`).join(', ')} (ratio ${ratioOf(budgets).toFixed(2)}; the protocol asks for at most 1.10).`,
    ].join('\n'),
  };
}

/** The tuned config on its tuning seeds (where it was chosen) against the fresh seeds (Welch). */
function winnersCurse(view: StudyView, tuned: readonly Player[]): { player: Player; selection: number; fresh: Comparison }[] {
  return tuned.flatMap((p) => {
    const t = tuningOf(view, p.key);
    const fresh = finals(view, p.key);
    if (!t || !fresh.length) return [];
    const chosen = losses(dedupe(pick(view, { group: p.key, phase: 'tune' }).filter((e) => JSON.stringify(e.result.optimizer) === JSON.stringify(fresh[0]!.result.optimizer))));
    return chosen.length ? [{ player: p, selection: t.mean, fresh: compare(losses(fresh), chosen) }] : [];
  });
}

export function curseSection(view: StudyView, tuned: readonly Player[]): Section {
  const rows = winnersCurse(view, tuned).map(({ player, selection, fresh }) => [player.name, f4(selection), pm(fresh.a), describeComparison(fresh)]);
  return {
    title: "The winner's curse",
    markdown: [
      table(['Contestant', 'Tuned config on its tuning seeds (mean)', 'On fresh seeds (mean ± std)', 'Fresh − tuning seeds (Welch)'], rows),
      '',
      'A configuration picked as the best of several on some seeds looks better on those seeds than it is: the fresh seeds measure it without that bias. Every verdict uses fresh seeds or compares alternatives on the same seeds.',
    ].join('\n'),
  };
}

export function curvesSection(view: StudyView, tuned: readonly Player[]): Section {
  const series = tuned.map((p) => meanCurve(finals(view, p.key), p.name, p.color));
  return { title: 'Validation curves of the tuned configurations', markdown: 'Mean over the fresh seeds with a ±1 std band, at the tuning horizon.', svgs: [['validation-curves.svg', curvesChart('Validation loss, tuned configurations', series)]] };
}

/**
 * What the tuning leaves uncertain: unequal budgets, optima on a grid's edge, learning rates chosen
 * on one seed, the winner's curse, and budget runs' one-seed LR checks. `untuned` says which knobs
 * no one tuned (a study file: those not under a contestant's "tune").
 */
export function fairThreats(view: StudyView, tuned: readonly Player[], untuned = 'Knobs not listed under a contestant’s "tune" were not tuned.'): string[] {
  const budgets = budgetsOf(view, tuned);
  const ratio = ratioOf(budgets);
  const out = [`**Tuning budgets:** ${tuned.map((p, i) => `${p.name} ${budgets[i]} runs`).join(', ')}; ratio ${ratio.toFixed(2)}${ratio > 1.1 ? ' — more than the 10% the protocol allows: the better-tuned side has an advantage' : ' (within 10%)'}. ${untuned}`];
  for (const p of tuned) {
    const t = tuningOf(view, p.key);
    const sweep = t?.lrSweep ?? [];
    const best = sweep.reduce<{ lr: number; mean: number } | undefined>((x, y) => (!x || y.mean < x.mean ? y : x), undefined);
    if (best && (best === sweep[0] || best === sweep[sweep.length - 1])) out.push(`**Bound:** ${p.name}'s best learning rate is on its grid's edge (${best.lr}): the optimum may lie beyond it.`);
    for (const v of t?.path.flatMap((s) => s.tried) ?? []) if (v.lrBracketed === false) out.push(`**Bound:** ${p.name}'s learning rate for "${v.label}" (${v.learningRate}) is at the edge of its check (three lattice points on one seed, extended once): that value may be under-tuned.`);
    for (const s of t?.path ?? []) if (s.kept && s.tried.some((v) => v.lrBracketed !== undefined)) out.push(`**LR after the ${s.knob} change:** ${p.name}'s learning rate for "${s.kept}" was chosen on one tuning seed from three lattice points (extended once when the best was at an edge), then run on all tuning seeds; the incumbent's came from the full grid on every seed.`);
  }
  // A learning rate tied to the tuned one is searched jointly, never on its own: a comparison between
  // contestants whose tuned rates differ also compares their tied rates.
  const tied = tuned.filter((p) => p.with);
  if (tied.length) {
    const rule = (p: Player) => Object.entries(p.with!(1)).map(([k, v]) => `${k} = ${v}× the learning rate`).join(', ');
    out.push(`**Tied learning rates:** ${tied.map((p) => `${p.name} (${rule(p)})`).join('; ')}. These were not tuned on their own: a contestant whose best learning rate is lower also runs its tied group lower, so a comparison with it changes both.`);
  }
  for (const { player, selection, fresh } of winnersCurse(view, tuned)) out.push(`**Winner's curse:** ${player.name} ${f4(selection)} on its tuning seeds, ${f4(fresh.a.mean)} on fresh seeds (${fresh.difference >= 0 ? '+' : ''}${f4(fresh.difference)}).`);
  const budgetSteps = (p: Player) => [...new Set(pick(view, { group: p.key, chosen: true }).map((e) => e.tags['budget'] as number))].sort((x, y) => x - y);
  const withBudgets = tuned.filter((p) => budgetSteps(p).length);
  if (withBudgets.length) out.push(`**Budget runs:** at every budget but the tuning horizon (${withBudgets.map((p) => `${p.name}'s ${budgetSteps(p).join(', ')} steps`).join(', ')}), the learning rate was checked on one tuning seed among the tuned one and a lattice step either side (extended once when the best was at an edge), then run on ${CHECK_SEEDS} fresh seeds: no fresh seed made a choice, but a one-seed check can miss that budget's best learning rate by about a lattice step.`);
  return out;
}
