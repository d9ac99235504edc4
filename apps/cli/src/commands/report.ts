/**
 * `optimlab report DIR`: re-renders a folder's tables, plots and report.html from its saved
 * results alone (no training): a study folder (reproduce), a sweep folder, or a train folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { readJson, resolvePath } from '../context.js';
import { toHtml } from '../html.js';
import { reportStudy } from './reproduce.js';
import { readResult, type RunResult } from '../runs.js';
import { lineChart } from '../svg.js';
import { readSweepRecord, sweepTable } from './sweep.js';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: 're-render the tables, plots and report.html of a study, sweep or train folder (no training)',
  positional: 'DIR',
  flags: {},
};

/** A train folder: its result, validation curve and report.html. */
async function trainReport(dir: string, r: RunResult): Promise<void> {
  const o = r.optimizer;
  const md = [
    `# Run: ${o.name}, lr ${o.learningRate}`,
    '',
    `- status: **${r.status}**${r.reason ? ` (${r.reason})` : ''} after ${r.steps} steps, ${r.seconds.toFixed(1)} s`,
    `- best validation loss ${r.bestLoss?.toFixed(4) ?? '—'}, final ${r.finalLoss?.toFixed(4) ?? '—'}, final accuracy ${r.finalAccuracy.toFixed(4)}`,
    `- made at commit \`${r.environment.commit}\` on ${r.environment.adapter}`,
    `- optimizer: \`${JSON.stringify(o)}\``,
    '',
  ].join('\n');
  const svg = lineChart('Validation loss', [{ name: o.name, color: '#d62728', points: r.curve }], { integerX: true, xLabel: 'optimizer step', yLabel: 'validation loss' });
  await writeAtomically(join(dir, 'summary.md'), md);
  await writeAtomically(join(dir, 'validation-curve.svg'), svg);
  await writeAtomically(join(dir, 'report.html'), toHtml(`Run ${o.name}`, md, [['validation-curve.svg', svg]]));
}

export async function runReportCommand({ positional }: Parsed): Promise<void> {
  if (positional.length !== 1) throw new UsageError('optimlab report: give one folder (a study, sweep or train folder).');
  const dir = resolvePath(positional[0]!);
  if (!existsSync(dir)) throw new UsageError(`optimlab report: ${dir} does not exist.`);
  if (existsSync(join(dir, 'sweep.json'))) {
    const meta = readSweepRecord(dir);
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')).sort().flatMap((id) => readResult(join(dir, 'runs', id)) ?? []) : [];
    if (runs.length === 0) throw new UsageError(`optimlab report: ${dir} has no finished sweep runs yet.`);
    await writeAtomically(join(dir, 'sweep.md'), sweepTable(meta.config as unknown as Parameters<typeof sweepTable>[0], meta.grid, runs));
    console.log(`report: ${join(dir, 'sweep.md')}`);
    return;
  }
  if (existsSync(join(dir, 'study.json'))) {
    await reportStudy(dir);
    console.log(`report: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
    return;
  }
  if (!existsSync(join(dir, 'config.json'))) throw new UsageError(`optimlab report: ${dir} has no study.json, sweep.json or config.json: is it a folder made by optimlab reproduce, sweep or train?`);
  const result = readResult(dir);
  if (!result) throw new UsageError(`optimlab report: ${dir} holds no finished run (result.json missing or incomplete): finish it with optimlab train --out ${dir}.`);
  await trainReport(dir, result);
  console.log(`report: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
}
