/** The thesis study's one-factor checks: schedules and warmup (Q4), Newton–Schulz steps (Q5), the recommended configuration (Q6). */
import type { Section, StudyView } from './engine.js';
import { losses, pick, table, type Entry } from './select.js';
import { compare, comparePaired, describeComparison, lowerVerdict, MIN_SEEDS, pm, summarize, type Comparison, type Verdict } from './stats.js';
import { CHECK_SEEDS, finals, paired, tuningOf } from './questions/fair-comparison.js';
import { KEYS, NAME, type Key } from './thesis-plan.js';
import type { TuningStep } from './tuning.js';

function check(view: StudyView, key: Key, label: string): Comparison | undefined {
  const runs = pick(view, { group: key, check: label }).sort((x, y) => x.seed - y.seed);
  return runs.length ? paired(runs, finals(view, key).slice(0, CHECK_SEEDS)) : undefined;
}

/** The tuning's step for `knob`: the alternative `label` against the incumbent, on the tuning seeds (pairs). */
function tuningPair(view: StudyView, key: Key, knob: string, label: string): Comparison | undefined {
  const step = tuningOf(view, key)?.path.find((s) => s.knob === knob);
  const alt = step?.tried.find((v) => v.label === label);
  if (!step || !alt?.losses || !step.incumbent.losses) return undefined;
  const loss = (v: number | null): number => v ?? Infinity;
  return comparePaired(alt.losses.map(loss), step.incumbent.losses.map(loss));
}


export function q4(view: StudyView): Section {
  const rows: string[][] = [];
  const warmup = (key: Key): { c: Comparison; label: string } | undefined => {
    const label = pick(view, { group: key, phase: 'checks' }).map((e) => String(e.tags['check'])).find((l) => l.startsWith('warmup'));
    const c = label ? check(view, key, label) : undefined;
    if (!c || !label) return undefined;
    // As "no warmup − warmup": the check removes warmup when the tuned config has it, and adds it otherwise.
    return label === 'warmup 0' ? { c, label } : { c: { ...c, difference: -c.difference, ci: c.ci && [-c.ci[1], -c.ci[0]], a: c.b, b: c.a }, label };
  };
  const mw = warmup('muon');
  const aw = warmup('adam');
  for (const [key, w] of [['muon', mw], ['adam', aw]] as const) if (w) rows.push([`${NAME[key]}: no warmup − warmup (schedule fixed; fresh seeds)`, describeComparison(w.c), key === 'muon' ? '5.5834 − 5.1867 = +0.397' : '5.5887 − 5.7521 = −0.163']);
  const schedule = (key: Key, label: string) => tuningPair(view, key, 'schedule', label);
  for (const key of KEYS) {
    for (const label of ['linear', 'constant']) {
      const c = schedule(key, label);
      if (c) rows.push([`${NAME[key]}: ${label} − cosine, each with its own LR (warmup fixed; tuning seeds)`, describeComparison(c), key === 'adam' && label === 'constant' ? '5.5477 − 5.7521 = −0.204 (no warmup too)' : '—']);
    }
  }
  // "Muon needs warmup": removing it is worse. "AdamW is best constant": constant − cosine < 0.
  const muonPart = mw ? lowerVerdict({ ...mw.c, difference: -mw.c.difference, ci: mw.c.ci && [-mw.c.ci[1], -mw.c.ci[0]] }) : undefined;
  const adamConstant = schedule('adam', 'constant');
  const adamPart = adamConstant ? lowerVerdict(adamConstant) : undefined;
  const verdict: Verdict = !muonPart || !adamPart ? 'inconclusive at this scale' : muonPart === adamPart ? muonPart : muonPart === 'does not hold' || adamPart === 'does not hold' ? 'does not hold' : 'inconclusive at this scale';
  return {
    title: 'Q4. Do schedules and warmup affect them differently (thesis: Muon needs warmup + cosine; Adam is best constant, no warmup)?',
    markdown: [
      table(['One factor changed', 'Difference (95% CI, test, pairs)', 'Thesis (one run each)'], rows),
      '',
      'Each row changes one factor and keeps everything else: warmup on or off with the tuned schedule (fresh seeds, paired with the final runs of the same seeds); the schedule with warmup as tuned up to then, each schedule at the learning rate that suited it (the tuning’s schedule step, tuning seeds).',
    ].join('\n'),
    verdict: { question: 'Q4 Muon needs warmup; AdamW is best with a constant LR', verdict, evidence: `Muon without warmup is worse: ${muonPart ?? 'not run'}; AdamW constant beats cosine: ${adamPart ?? 'not run'}`, reference: 'holds (one run per setting)' },
  };
}

export function q5(view: StudyView): Section {
  const loss = check(view, 'muon', 'ns 3');
  const ms = (es: readonly Entry[]) => es.map((e) => e.result.optimizerGpuMs).filter((v): v is number => v !== null);
  const [ns3, ns5] = [ms(pick(view, { group: 'muon', check: 'ns 3' })), ms(finals(view, 'muon').slice(0, CHECK_SEEDS))];
  const cost = ns3.length && ns5.length ? compare(ns3, ns5) : undefined;
  const tolerance = 0.01;
  let verdict: Verdict = 'inconclusive at this scale';
  if (loss && cost?.ci && Math.min(loss.a.n, cost.a.n, cost.b.n) >= MIN_SEEDS) {
    const level = loss.b.mean * tolerance;
    const equivalent = loss.ci ? loss.ci[0] > -level && loss.ci[1] < level : false;
    const worse = loss.ci ? loss.ci[0] > level : false;
    verdict = equivalent && cost.ci[1] < 0 ? 'holds' : worse ? 'does not hold' : 'inconclusive at this scale';
  }
  const saving = cost ? (100 * -cost.difference) / cost.b.mean : NaN;
  return {
    title: 'Q5. What do Newton–Schulz iterations cost, and can 3 replace 5 (thesis: ns3 ≈ ns5 loss, ~15% less step time)?',
    markdown: [
      table(['', 'ns 3', `ns ${tuningOf(view, 'muon')?.config['nsSteps'] ?? 5} (tuned)`, 'difference'], [
        ['final loss (fresh seeds, pairs)', loss ? pm(loss.a) : '—', loss ? pm(loss.b) : '—', loss ? describeComparison(loss) : '—'],
        ['optimizer GPU ms / step', cost ? `${cost.a.mean.toFixed(2)} ± ${cost.a.std.toFixed(2)}` : '—', cost ? `${cost.b.mean.toFixed(2)} ± ${cost.b.std.toFixed(2)}` : '—', cost ? `${saving.toFixed(1)}% less` : '—'],
      ]),
      '',
      `One factor: the tuned Muon config with 3 Newton–Schulz steps. GPU time is the whole optimizer step (momentum, Newton–Schulz, the AdamW group) from GPU timestamps on three steps of every run. "ns3 ≈ ns5" holds when the loss difference's 95% CI lies within ±${tolerance * 100}% of the loss and ns3 is cheaper. Thesis: 5.1913 vs 5.1867, 1.65 vs 1.95 min per run.`,
    ].join('\n'),
    verdict: { question: 'Q5 ns3 matches ns5 at lower cost', verdict, evidence: `loss ${loss ? describeComparison(loss) : '—'}; optimizer GPU time ${Number.isFinite(saving) ? `${saving.toFixed(1)}% less with ns3` : '—'}`, reference: 'holds: 5.1913 vs 5.1867, ~15% less time' },
  };
}

// ---- Q6, the winner's curse and the curves ----

/**
 * Whether the tuning's evidence supports the recommended values of a knob (`recommended` says which
 * labels are): 'holds' when the best of them beats the best of the others by more than the noise,
 * 'does not hold' when the best other beats them by more, otherwise inconclusive. The incumbent
 * counts as one of the values.
 */
function supported(step: TuningStep | undefined, recommended: (label: string) => boolean): Verdict {
  if (!step || step.incumbent.losses.length < MIN_SEEDS) return 'inconclusive at this scale';
  const values = [step.incumbent, ...step.tried];
  const best = (vs: readonly { mean: number }[]) => Math.min(...vs.map((v) => v.mean));
  const [ours, others] = [values.filter((v) => recommended(v.label)), values.filter((v) => !recommended(v.label))];
  if (!ours.length || !others.length) return 'inconclusive at this scale';
  if (best(others) - best(ours) > step.threshold) return 'holds';
  if (best(ours) - best(others) > step.threshold) return 'does not hold';
  return 'inconclusive at this scale';
}

export function q6(view: StudyView): Section {
  const [m, a] = [tuningOf(view, 'muon'), tuningOf(view, 'adam')];
  const step = (t: typeof m, knob: string) => t?.path.find((s) => s.knob === knob);
  const parts = [
    ['Muon: cosine', supported(step(m, 'schedule'), (l) => !['linear', 'constant'].includes(l))],
    ['Muon: warmup', supported(step(m, 'warmup'), (l) => l !== 'warmup 0')],
    ['AdamW: constant', supported(step(a, 'schedule'), (l) => l === 'constant')],
    ['AdamW: no warmup', supported(step(a, 'warmup'), (l) => l === 'warmup 0')],
  ] as const;
  const verdict: Verdict = parts.some(([, v]) => v === 'does not hold') ? 'does not hold' : parts.every(([, v]) => v === 'holds') ? 'holds' : 'inconclusive at this scale';
  const show = (t: typeof m, key: Key) => (t ? `\`${JSON.stringify(t.config)}\` → ${pm(summarize(losses(finals(view, key))))} on ${finals(view, key).length} fresh seeds` : '—');
  return {
    title: 'Q6. The recommended configuration for each',
    markdown: [
      `- **Muon+AdamW**: ${show(m, 'muon')}`,
      `- **AdamW**: ${show(a, 'adam')}`,
      '',
      `Per part of the thesis's recommendation, from the tuning path (the ${m?.seeds.length ?? '—'} tuning seeds; "holds" when the recommended value beat every other value tried by more than the noise, "does not hold" when another value beat it by more, inconclusive in between): ${parts.map(([p, v]) => `${p} ${v}`).join('; ')}.`,
      '',
      'Thesis: Muon lr 0.07 (AdamW group 0.007), momentum 0.9, Nesterov, ns 5, cosine with 5% warmup, AdamW-group weight decay 0.2; Adam lr 0.001, constant, no warmup, weight decay 0.1.',
    ].join('\n'),
    verdict: { question: 'Q6 the thesis’s recommended schedules win (Muon cosine + warmup; AdamW constant, no warmup)', verdict, evidence: parts.map(([p, v]) => `${p}: ${v}`).join('; '), reference: 'Muon cosine + warmup 0.05; Adam constant, no warmup' },
  };
}

/** The chosen config's mean on the seeds it was chosen on vs on fresh seeds (selection bias). */
