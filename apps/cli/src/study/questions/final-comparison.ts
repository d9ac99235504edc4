/**
 * The final-comparison question's section: the tuned contestant against the tuned baseline on the
 * fresh seeds, as seed pairs, at the tuning horizon (the verdict) and at every other budget both
 * ran (each with its learning rate checked there, for a token speedup).
 */
import { dotChart } from '../../svg.js';
import type { Section, StudyView } from '../engine.js';
import type { QuestionFile } from '../file/schema.js';
import { losses, pick, table } from '../select.js';
import { describeComparison, lowerVerdict, MIN_SEEDS, pm, summarize, type Verdict } from '../stats.js';
import { budgetRuns, divergedIn, finals, paired, tuningHorizonSteps } from './fair-comparison.js';
import type { Plan, Player } from './plan.js';

export type FinalQuestion = Extract<QuestionFile, { kind: 'final-comparison' }>;

/** The budgets (in steps, other than the tuning horizon) at which both groups have chosen runs. */
function sharedBudgets(view: StudyView, a: string, b: string, long: number): number[] {
  const budgets = (key: string) => new Set(pick(view, { group: key, chosen: true }).map((e) => e.tags['budget'] as number));
  const [ba, bb] = [budgets(a), budgets(b)];
  return [...ba].filter((s) => bb.has(s) && s !== long).sort((x, y) => x - y);
}

export function finalSection(view: StudyView, q: FinalQuestion, players: ReadonlyMap<string, Player>, plan: Plan): Section {
  const [a, b] = [players.get(q.contestant)!, players.get(q.baseline)!];
  const question = q.question ?? `${a.name} reaches a lower loss than ${b.name} at equal steps`;
  const [fa, fb] = [finals(view, a.key), finals(view, b.key)];
  const steps = tuningHorizonSteps(view, plan);
  const minPairs = q.minPairs ?? MIN_SEEDS;
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence = 'no final runs yet';
  const rows: string[][] = [];
  if (fa.length && fb.length) {
    const c = paired(fa, fb);
    const [da, db] = [divergedIn(fa), divergedIn(fb)];
    // Fewer pairs than asked for give no verdict; a diverged run of the contestant counts against it: no "holds" then.
    verdict = c.a.n < minPairs || (da > 0 && lowerVerdict(c) === 'holds') ? 'inconclusive at this scale' : lowerVerdict(c);
    evidence = `at ${steps} steps, fresh seeds, ${a.name} − ${b.name} = ${describeComparison(c)}${da + db ? ` (diverged: ${a.name} ${da}, ${b.name} ${db}; their pairs left out)` : ''}`;
    rows.push([`${steps} steps`, pm(c.a), pm(c.b), describeComparison(c)]);
  }
  for (const s of sharedBudgets(view, a.key, b.key, steps)) {
    const c = paired(budgetRuns(view, a.key, s, steps), budgetRuns(view, b.key, s, steps));
    rows.push([`${s} steps (each with its LR checked there)`, pm(c.a), pm(c.b), describeComparison(c)]);
  }
  const dots = [a, b].map((p) => {
    const s = summarize(losses(finals(view, p.key)));
    return { label: p.name, value: s.n ? s.mean : NaN, spread: s.std, color: p.color };
  });
  return {
    title: q.title ?? question,
    markdown: [
      table(['Horizon', `${a.name} (mean ± std)`, `${b.name} (mean ± std)`, `${a.name} − ${b.name} (95% CI, test, pairs)`], rows),
      '',
      `Each tuned configuration on the fresh seeds (2000 onwards), never used for a choice. Runs with the same seed share the initialisation and the order of the data, so they compare as seed pairs: a paired t-test on the per-seed differences, the exact sign-flip test when every pair agrees. The verdict is read at ${steps} steps; fewer than ${minPairs} pairs give none.`,
    ].join('\n'),
    svgs: [[`final-${a.key}-vs-${b.key}.svg`, dotChart(`Final comparison: mean ± std over fresh seeds (${steps} steps)`, dots, 'validation loss')]],
    verdict: { question, verdict, evidence, ...(q.reference ? { reference: q.reference } : {}) },
  };
}
