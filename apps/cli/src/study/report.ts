/**
 * A study's report from its saved runs alone (so `optimlab report DIR` re-renders without
 * training): summary.md with the verdicts first, then each analysis's section; its SVG plots; and
 * a self-contained report.html. Everything is written atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { toHtml } from '../html.js';
import type { Section, StudyDefinition, StudyView, VerdictLine } from './engine.js';
import { table } from './select.js';
import { DEFAULT_THRESHOLDS, percentList } from './width-claims.js';

export interface ReportMeta {
  readonly model: string;
  readonly corpus: string;
  readonly tokenizer: string;
}

/** "1%, 2% and 5%" when the verdicts share their tolerances, else "their". */
function tolerancesOf(verdicts: readonly VerdictLine[]): string {
  const lists = new Set(verdicts.map((v) => percentList(v.thresholds ?? DEFAULT_THRESHOLDS)));
  return lists.size === 1 ? [...lists][0]! : 'their';
}

/** The study's own threats, then the verdicts that depend on a threshold or cannot decide. */
export function threatsOf(def: StudyDefinition, view: StudyView, sections: readonly Section[]): string[] {
  const verdicts = sections.flatMap((s) => (s.verdict ? [s.verdict] : []));
  const dependent = verdicts.filter((v) => v.verdict === 'threshold-dependent');
  const open = verdicts.filter((v) => v.verdict === 'inconclusive at this scale');
  return [
    ...(def.threats?.(view) ?? []),
    dependent.length ? `**Threshold-dependent verdicts:** ${dependent.map((v) => `"${v.question}"`).join(', ')}: the answer changes between the ${tolerancesOf(dependent)} tolerances (see their sections), so neither "holds" nor "does not hold" is claimed.` : '**Threshold-dependent verdicts:** none.',
    open.length ? `**Inconclusive:** ${open.map((v) => `"${v.question}"`).join(', ')}: the evidence cannot decide (too few seeds, a CI across zero, a bound at a grid edge, or runs not made; see each section).` : '**Inconclusive:** none.',
  ];
}

export async function writeStudyReport(dir: string, def: StudyDefinition, view: StudyView, meta: ReportMeta): Promise<string> {
  const sections = def.analyses.map((analyse) => analyse(view));
  const runs = new Map(view.entries.map((e) => [e.run, e.result]));
  const diverged = [...runs.entries()].filter(([, r]) => r.status === 'diverged');
  const commits = [...new Set([...runs.values()].map((r) => r.environment.commit))];
  const adapters = [...new Set([...runs.values()].map((r) => r.environment.adapter))];
  const hours = [...runs.values()].reduce((t, r) => t + r.seconds, 0) / 3600;
  const verdicts = sections.flatMap((s) => (s.verdict ? [[s.verdict.question, `**${s.verdict.verdict}**`, s.verdict.evidence, s.verdict.reference ?? '—']] : []));
  const md: string[] = [
    `# ${def.title} — \`${view.preset}\` preset`,
    '',
    def.introduction(view),
    '',
    `- model: ${meta.model}`,
    `- data: ${meta.corpus}; tokenizer ${meta.tokenizer}`,
    `- ${runs.size} runs (${diverged.length} diverged), ${hours.toFixed(2)} h of training; final comparisons over ${view.seeds} seeds`,
    `- made at commit${commits.length > 1 ? 's' : ''} ${commits.map((c) => `\`${c}\``).join(', ') || '—'} on ${adapters.join(', ') || '—'}`,
    '',
    '## Verdicts',
    '',
    table(['Question', 'Verdict', 'Evidence', 'Published finding'], verdicts),
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '', ...(s.verdict ? [`**Verdict: ${s.verdict.verdict}.** ${s.verdict.evidence}.`, ''] : [])]),
    '## Threats to validity',
    '',
    ...threatsOf(def, view, sections).map((t) => `- ${t}`),
    '',
    ...(diverged.length ? ['## Diverged runs', '', ...diverged.map(([id, r]) => `- \`${id}\`: step ${r.steps}, ${r.reason ?? 'non-finite loss'}`), ''] : []),
  ];
  const svgs = sections.flatMap((s) => s.svgs ?? []);
  // A ladder run into the study folder (reproduce --ladder) joins the report.
  const ladder = join(dir, 'ladder', 'ladder.md');
  if (existsSync(ladder)) {
    md.push('## The optimizer ladder', '', readFileSync(ladder, 'utf8').replace(/^# .*\n/, ''), '');
    svgs.push(['ladder/ladder.svg', readFileSync(join(dir, 'ladder', 'ladder.svg'), 'utf8')]);
  }
  for (const [file, svg] of sections.flatMap((s) => s.svgs ?? [])) await writeAtomically(join(dir, file), svg);
  const text = md.join('\n');
  await writeAtomically(join(dir, 'summary.md'), text);
  await writeAtomically(join(dir, 'report.html'), toHtml(def.title, text, svgs));
  return text;
}
