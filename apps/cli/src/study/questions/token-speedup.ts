/**
 * The token-speedup question's section (after Wen et al. 2025): the baseline's end-of-training loss
 * at 4 token budgets is fitted with a power law, and the contestant's speedup at a budget D is the
 * baseline's tokens to its loss over D, with a percentile-bootstrap CI over seeds.
 */
import { lineChart } from '../../svg.js';
import type { Section, StudyView } from '../engine.js';
import { losses, table } from '../select.js';
import { tokenSpeedup, type TokenSpeedup } from '../speedup.js';
import { f4, MIN_SEEDS, pm, summarize, type Verdict } from '../stats.js';
import { BASELINE_BUDGETS, budgetRuns, CHECK_SEEDS, CONTENDER_BUDGETS, divergedIn, tuningHorizonSteps, type SpeedupQuestion } from './fair-comparison.js';
import type { Plan, Player } from './plan.js';

interface SpeedupAt {
  readonly steps: number;
  readonly s: TokenSpeedup;
  readonly loss: number;
}

/** tokenSpeedup, or undefined when the baseline's losses do not fall with tokens (no power law to read). */
function tryTokenSpeedup(o: Parameters<typeof tokenSpeedup>[0]): TokenSpeedup | undefined {
  try {
    return tokenSpeedup(o);
  } catch {
    return undefined;
  }
}

/** The baseline's curve (budgets with ≥ 3 seeds and no diverged run) and the contestant's speedups on it. */
function speedupsOf(view: StudyView, q: SpeedupQuestion, long: number): { curve: { steps: number; losses: number[] }[]; at: SpeedupAt[] } {
  // A budget with a diverged baseline run is left out of the curve (its mean would hide the divergence).
  const curve = BASELINE_BUDGETS.map((f) => Math.round(long * f)).map((steps) => ({ steps, runs: budgetRuns(view, q.baseline, steps, long) })).filter((b) => !divergedIn(b.runs)).map(({ steps, runs }) => ({ steps, losses: losses(runs) })).filter((b) => b.losses.length >= MIN_SEEDS);
  const at: SpeedupAt[] = [];
  if (curve.length < BASELINE_BUDGETS.length) return { curve, at };
  for (const f of CONTENDER_BUDGETS) {
    const steps = Math.round(long * f);
    const runs = budgetRuns(view, q.contestant, steps, long);
    const mine = losses(runs);
    if (mine.length < MIN_SEEDS || divergedIn(runs)) continue;
    const s = tryTokenSpeedup({ baseline: curve.map((b) => ({ tokens: b.steps * view.tokensPerStep, losses: b.losses })), contender: { tokens: steps * view.tokensPerStep, losses: mine }, resamples: 2000, seed: 1 });
    if (s) at.push({ steps, s, loss: summarize(mine).mean });
  }
  return { curve, at };
}

const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '∞');

export function speedupSection(view: StudyView, q: SpeedupQuestion, players: ReadonlyMap<string, Player>, plan: Plan): Section {
  const [a, b] = [players.get(q.contestant)!, players.get(q.baseline)!];
  const long = tuningHorizonSteps(view, plan);
  const { curve, at } = speedupsOf(view, q, long);
  const question = q.question ?? `${a.name} needs fewer tokens than ${b.name} for the same loss`;
  const headline = at.find((x) => x.steps === long) ?? at[at.length - 1];
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence = `${b.name} needs ${BASELINE_BUDGETS.length} budgets over ≥ ${MIN_SEEDS} seeds and ${a.name} ≥ ${MIN_SEEDS} seeds (${curve.length} budgets so far)`;
  if (headline) {
    const [lo, hi] = headline.s.ci;
    verdict = lo > 1 ? 'holds' : hi < 1 ? 'does not hold' : 'inconclusive at this scale';
    const others = at.filter((x) => x !== headline).map((x) => `${times(x.s.estimate)} (${times(x.s.ci[0])}–${times(x.s.ci[1])}) at ${x.steps} steps`);
    evidence = `${a.name} reaches ${b.name}'s loss with ${times(headline.s.estimate)} fewer tokens at ${headline.steps} steps (95% CI ${times(lo)}–${times(hi)})${others.length ? `; ${others.join('; ')}` : ''}`;
  }
  const rows = at.map(({ steps, s, loss }) => [
    `${steps} steps (${(steps * view.tokensPerStep).toLocaleString('en-US')} tokens)`, f4(loss), times(s.estimate), `[${times(s.ci[0])}, ${times(s.ci[1])}]`, s.extrapolated ? `yes: beyond ${b.name}’s budgets` : 'no', `${(s.infiniteShare * 100).toFixed(1)}%`, `${(s.failedShare * 100).toFixed(1)}%`,
  ]);
  const warning = at.some((x) => x.s.estimate > 2)
    ? `\n\n**Check ${b.name}’s tuning:** a speedup above 2× is more than the benchmarks of record find at small scale (1.2–2× for Muon over AdamW); an under-tuned baseline is the usual cause.`
    : '';
  const fit = at[0]?.s.fit;
  const fitLine = fit
    ? `${b.name}'s fit: L(D) = ${fit.alpha.toPrecision(4)}·D^(−${fit.beta.toFixed(3)}) + ${fit.gamma.toFixed(3)} over ${curve.length} budgets (${curve.map((x) => `${x.steps} steps: ${pm(summarize(x.losses))}`).join('; ')}).`
    : `${b.name}'s budgets so far: ${curve.map((x) => `${x.steps} steps`).join(', ') || 'none'}.`;
  const points = curve.map((x) => [x.steps * view.tokensPerStep, summarize(x.losses).mean] as [number, number]);
  const fitted = fit
    ? Array.from({ length: 40 }, (_, i) => {
        const d = points[0]![0] * (points[points.length - 1]![0] / points[0]![0]) ** (i / 39);
        return [d, fit.alpha * d ** -fit.beta + fit.gamma] as [number, number];
      })
    : [];
  return {
    title: q.title ?? question,
    markdown: [
      `After Wen et al. 2025: ${b.name}'s end-of-training loss at each token budget (each a full run with its own schedule; at ${long} steps its tuned finals, at the others its learning rate checked at that budget on a tuning seed and run on ${CHECK_SEEDS} fresh seeds) is fitted with L(D) = α·D^(−β) + γ; ${a.name}'s speedup at a budget D is D_${b.name}(L_${a.name}) / D. The 95% CI is a percentile bootstrap over seeds (2000 resamples, seeds drawn with replacement within every budget and within ${a.name}'s runs). Only end-of-training losses are compared.`,
      '',
      table([`${a.name} budget`, 'its loss (mean)', 'Speedup', '95% CI', 'Extrapolated', `Resamples with ${a.name} below γ`, 'Resamples whose refit failed'], rows),
      '',
      fitLine + warning,
    ].join('\n'),
    svgs: points.length
      ? [[`speedup-${a.key}-vs-${b.key}.svg`, lineChart(`Final loss vs tokens: ${b.name} budgets (fit) and ${a.name}`, [
          { name: `${b.name} (mean over seeds)`, color: b.color, points },
          ...(fitted.length ? [{ name: `${b.name} power-law fit`, color: '#7fa7d0', points: fitted }] : []),
          { name: `${a.name} (mean over seeds)`, color: a.color, points: at.map((x) => [x.steps * view.tokensPerStep, x.loss] as [number, number]) },
        ], { logX: true, xLabel: 'tokens', yLabel: 'validation loss' })]]
      : [],
    verdict: { question, verdict, evidence, ...(q.reference ? { reference: q.reference } : {}) },
  };
}

/** What a speedup cannot carry: a contestant's loss beyond the baseline's measured ones. */
export function speedupThreats(view: StudyView, q: SpeedupQuestion, players: ReadonlyMap<string, Player>, plan: Plan): string[] {
  const { at } = speedupsOf(view, q, tuningHorizonSteps(view, plan));
  const [a, b] = [players.get(q.contestant)!, players.get(q.baseline)!];
  return at.some((x) => x.s.extrapolated) ? [`**Extrapolation:** a ${a.name} loss lies outside ${b.name}’s measured losses, so its speedup reads the power law beyond the budgets that were run.`] : [];
}
