/** The thesis study's token speedup: steps to the same loss, Muon vs AdamW, at the budgets both ran. */
import { lineChart } from '../svg.js';
import type { Section, StudyView } from './engine.js';
import { losses, pick, table, type Entry } from './select.js';
import { tokenSpeedup, type TokenSpeedup } from './speedup.js';
import { f4, MIN_SEEDS, pm, summarize, type Verdict } from './stats.js';
import { ADAM_BUDGETS, MUON_BUDGETS } from './thesis-plan.js';
import { COLOR, divergedIn, finals, type Key } from './thesis-common.js';

export function budgetRuns(view: StudyView, key: Key, steps: number): Entry[] {
  if (steps === view.horizons.long) return finals(view, key);
  return pick(view, { group: key, budget: steps, chosen: true }).sort((a, b) => a.seed - b.seed);
}

interface SpeedupAt {
  readonly steps: number;
  readonly s: TokenSpeedup;
  readonly muon: number;
}

export function speedups(view: StudyView): { curve: { steps: number; losses: number[] }[]; at: SpeedupAt[] } {
  const long = view.horizons.long;
  // A budget with a diverged AdamW run is left out of the curve (its mean would hide the divergence).
  const curve = ADAM_BUDGETS.map((f) => Math.round(long * f)).map((steps) => ({ steps, runs: budgetRuns(view, 'adam', steps) })).filter((b) => !divergedIn(b.runs)).map(({ steps, runs }) => ({ steps, losses: losses(runs) })).filter((b) => b.losses.length >= MIN_SEEDS);
  const at: SpeedupAt[] = [];
  if (curve.length < 4) return { curve, at };
  for (const f of MUON_BUDGETS) {
    const steps = Math.round(long * f);
    const runs = budgetRuns(view, 'muon', steps);
    const mu = losses(runs);
    if (mu.length < MIN_SEEDS || divergedIn(runs)) continue;
    const s = tryTokenSpeedup({ baseline: curve.map((b) => ({ tokens: b.steps * view.tokensPerStep, losses: b.losses })), contender: { tokens: steps * view.tokensPerStep, losses: mu }, resamples: 2000, seed: 1 });
    if (s) at.push({ steps, s, muon: summarize(mu).mean });
  }
  return { curve, at };
}

/** tokenSpeedup, or undefined when AdamW's losses do not fall with tokens (no power law to read). */
function tryTokenSpeedup(o: Parameters<typeof tokenSpeedup>[0]): TokenSpeedup | undefined {
  try {
    return tokenSpeedup(o);
  } catch {
    return undefined;
  }
}

const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '∞');

export function speedupSection(view: StudyView): Section {
  const { curve, at } = speedups(view);
  const fit = at[0]?.s.fit;
  const rows = at.map(({ steps, s, muon }) => [
    `${steps} steps (${(steps * view.tokensPerStep).toLocaleString('en-US')} tokens)`, f4(muon), times(s.estimate), `[${times(s.ci[0])}, ${times(s.ci[1])}]`, s.extrapolated ? 'yes: beyond AdamW’s budgets' : 'no', `${(s.infiniteShare * 100).toFixed(1)}%`, `${(s.failedShare * 100).toFixed(1)}%`,
  ]);
  const headline = at.find((x) => x.steps === view.horizons.long) ?? at[at.length - 1];
  let verdict: Verdict = 'inconclusive at this scale';
  let evidence = `AdamW needs ≥ 4 budgets over ≥ 3 seeds and Muon ≥ 3 seeds (${curve.length} budgets so far)`;
  if (headline) {
    const [lo, hi] = headline.s.ci;
    verdict = lo > 1 ? 'holds' : hi < 1 ? 'does not hold' : 'inconclusive at this scale';
    evidence = `Muon+AdamW reaches AdamW's loss with ${times(headline.s.estimate)} fewer tokens at ${headline.steps} steps (95% CI ${times(lo)}–${times(hi)})${at.length > 1 ? `; ${at.filter((x) => x !== headline).map((x) => `${times(x.s.estimate)} (${times(x.s.ci[0])}–${times(x.s.ci[1])}) at ${x.steps} steps`).join('; ')}` : ''}`;
  }
  const warning = at.some((x) => x.s.estimate > 2)
    ? '\n\n**Check AdamW’s tuning:** a speedup above 2× is more than the benchmarks of record find for Muon at small scale (1.2–2×); an under-tuned baseline is the usual cause.'
    : '';
  const fitLine = fit ? `AdamW's fit: L(D) = ${fit.alpha.toPrecision(4)}·D^(−${fit.beta.toFixed(3)}) + ${fit.gamma.toFixed(3)} over ${curve.length} budgets (${curve.map((b) => `${b.steps} steps: ${pm(summarize(b.losses))}`).join('; ')}).` : `AdamW's budgets so far: ${curve.map((b) => `${b.steps} steps`).join(', ') || 'none'}.`;
  const points = curve.map((b) => [b.steps * view.tokensPerStep, summarize(b.losses).mean] as [number, number]);
  const fitted = fit ? Array.from({ length: 40 }, (_, i) => {
    const d = points[0]![0] * (points[points.length - 1]![0] / points[0]![0]) ** (i / 39);
    return [d, fit.alpha * d ** -fit.beta + fit.gamma] as [number, number];
  }) : [];
  const muonPoints = at.map((x) => [x.steps * view.tokensPerStep, x.muon] as [number, number]);
  return {
    title: 'Token speedup: how many fewer tokens Muon needs to reach AdamW’s loss',
    markdown: [
      `After Wen et al. 2025: AdamW's end-of-training loss at each token budget (each budget a full run with its own schedule, its learning rate checked at that budget, over ≥ 3 seeds) is fitted with L(D) = α·D^(−β) + γ; Muon's speedup at a budget D is D_AdamW(L_Muon) / D. The 95% CI is a percentile bootstrap over seeds (2000 resamples, seeds drawn with replacement within every budget and within Muon's runs). Only end-of-training losses are compared.`,
      '',
      table(['Muon budget', 'Muon loss (mean)', 'Speedup', '95% CI', 'Extrapolated', 'Resamples with Muon below γ', 'Resamples whose refit failed'], rows),
      '',
      fitLine + warning,
    ].join('\n'),
    svgs: points.length ? [['token-speedup.svg', lineChart('Final loss vs tokens: AdamW budgets (fit) and Muon', [
      { name: 'AdamW (mean over seeds)', color: COLOR.adam, points },
      ...(fitted.length ? [{ name: 'AdamW power-law fit', color: '#7fa7d0', points: fitted }] : []),
      { name: 'Muon+AdamW (mean over seeds)', color: COLOR.muon, points: muonPoints },
    ], { logX: true, xLabel: 'tokens', yLabel: 'validation loss' })]] : [],
    verdict: { question: 'Muon+AdamW needs fewer tokens than AdamW for the same loss', verdict, evidence, reference: 'Wen et al. 2025: 1.2–1.4× for Muon at 0.1–0.5B parameters' },
  };
}

// ---- Q2, Q3: LR sensitivity and the optimal LRs ----
