/**
 * A study's report from its saved runs alone (so `optimlab report DIR` re-renders without
 * training): summary.md with the verdicts first, then each analysis's section; its SVG plots; and
 * a self-contained report.html. Everything is written atomically.
 */
import { join } from 'node:path';
import { writeAtomically } from '@optimlab/tensor-wgpu';
import { toHtml } from '../html.js';
import type { StudyDefinition, StudyView } from './engine.js';
import { table } from './select.js';

export interface ReportMeta {
  readonly model: string;
  readonly corpus: string;
  readonly tokenizer: string;
}

export async function writeStudyReport(dir: string, def: StudyDefinition, view: StudyView, meta: ReportMeta): Promise<string> {
  const sections = def.analyses.map((analyse) => analyse(view));
  const runs = new Map(view.entries.map((e) => [e.run, e.result]));
  const diverged = [...runs.entries()].filter(([, r]) => r.status === 'diverged');
  const commits = [...new Set([...runs.values()].map((r) => r.environment.commit))];
  const adapters = [...new Set([...runs.values()].map((r) => r.environment.adapter))];
  const hours = [...runs.values()].reduce((t, r) => t + r.seconds, 0) / 3600;
  const verdicts = sections.flatMap((s) => (s.verdict ? [[s.verdict.question, `**${s.verdict.verdict}**`, s.verdict.evidence, s.verdict.reference ?? '—']] : []));
  const md = [
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
    ...(diverged.length ? ['## Diverged runs', '', ...diverged.map(([id, r]) => `- \`${id}\`: step ${r.steps}, ${r.reason ?? 'non-finite loss'}`), ''] : []),
  ].join('\n');
  const svgs = sections.flatMap((s) => s.svgs ?? []);
  for (const [file, svg] of svgs) await writeAtomically(join(dir, file), svg);
  await writeAtomically(join(dir, 'summary.md'), md);
  await writeAtomically(join(dir, 'report.html'), toHtml(def.title, md, svgs));
  return md;
}
