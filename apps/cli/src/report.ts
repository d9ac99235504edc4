/**
 * The study's report, from the saved results alone (so `optimlab report DIR` re-renders without
 * training): summary.md with one table per research question in the thesis's format
 * (LR | Best Loss | Final Loss | Final Acc | Time) and the thesis's figures beside ours, SVG plots,
 * and one self-contained report.html. Everything is written atomically.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { readResult, type RunResult } from './runs.js';
import { dotChart, lineChart } from './svg.js';
import { THESIS_ABLATIONS, THESIS_ADAM_SWEEP, THESIS_FINAL, THESIS_MUON_SWEEP } from './thesis-figures.js';

export function loadResults(dir: string): RunResult[] {
  const runs = join(dir, 'runs');
  if (!existsSync(runs)) throw new Error(`${dir} has no runs/ folder: is it a study folder made by optimlab reproduce?`);
  return readdirSync(runs)
    .sort()
    .flatMap((id) => {
      const r = readResult(join(runs, id));
      return r ? [r] : [];
    });
}

const f4 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'diverged' : v.toFixed(4));
const isMuon = (r: RunResult): boolean => r.optimizer.name === 'muon+adamw';
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const std = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const scoreOf = (r: RunResult): number => r.bestLoss ?? Infinity;

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function sweepTable(rs: RunResult[], thesis: Record<string, number> | undefined): string {
  const rows = [...rs]
    .sort((a, b) => a.optimizer.learningRate - b.optimizer.learningRate)
    .map((r) => [String(r.optimizer.learningRate), f4(r.bestLoss), f4(r.finalLoss), r.finalAccuracy.toFixed(4), `${r.seconds.toFixed(1)} s`, thesis ? f4(thesis[String(r.optimizer.learningRate)]) : '—']);
  return table(['LR', 'Best Loss', 'Final Loss', 'Final Acc', 'Time', 'Thesis (200 steps)'], rows);
}

/** LRs whose best loss is within 2% of the sweep's best: the "tolerance range". */
function toleranceRange(rs: RunResult[]): string {
  const best = Math.min(...rs.map(scoreOf));
  const ok = rs.filter((r) => scoreOf(r) <= best * 1.02).map((r) => r.optimizer.learningRate).sort((a, b) => a - b);
  return ok.length ? `${ok[0]}–${ok[ok.length - 1]}` : '—';
}

export async function writeReport(dir: string, meta: { preset: string; corpus: string; tokenizer: string; model: string }): Promise<string> {
  const results = loadResults(dir);
  const sweep = results.filter((r) => r.phase === 'sweep');
  const muonShort = sweep.filter((r) => isMuon(r) && r.horizon === 'short');
  const adamShort = sweep.filter((r) => !isMuon(r) && r.horizon === 'short');
  const longSweep = sweep.filter((r) => r.horizon === 'long');
  const ablations = results.filter((r) => r.phase === 'ablation');
  const final = results.filter((r) => r.phase === 'final');
  const best = (rs: RunResult[]): RunResult | undefined => [...rs].sort((a, b) => scoreOf(a) - scoreOf(b))[0];
  const bm = best(muonShort);
  const ba = best(adamShort);
  const md: string[] = [
    `# Muon vs Adam on the thesis MoE transformer — ${meta.preset} preset`,
    '',
    `Our numbers come from runs made by optimlab on this machine (preset **${meta.preset}**: ${meta.model}; corpus ${meta.corpus}; tokenizer ${meta.tokenizer}). ` +
      'The thesis column is the thesis at its own scale (d=384, 6 layers, 8 experts, seq 512, a 24 GB GPU): compare the shape of the findings, not absolute losses.',
    '',
    `Runs: ${results.length} finished (${results.filter((r) => r.status === 'diverged').length} diverged).`,
    '',
  ];
  if (muonShort.length || adamShort.length) {
    md.push('## Q2/Q3: learning-rate sweeps (short horizon)', '', '### Muon (AdamW group at lr/10)', '', sweepTable(muonShort, THESIS_MUON_SWEEP), '', '### Adam(W)', '', sweepTable(adamShort, THESIS_ADAM_SWEEP), '');
    if (bm && ba) {
      const ratio = bm.optimizer.learningRate / ba.optimizer.learningRate;
      md.push(
        `Optimal LR: Muon ${bm.optimizer.learningRate}, Adam ${ba.optimizer.learningRate} → ratio ${ratio.toFixed(0)}× (thesis: 0.07 vs 0.001, ${THESIS_FINAL.lrRatio}×).`,
        `LR tolerance (best loss within 2% of the best): Muon ${toleranceRange(muonShort)}, Adam ${toleranceRange(adamShort)} (thesis: Muon 0.02–0.09, Adam 0.0007–0.002).`,
        '',
      );
    }
  }
  if (longSweep.length) {
    md.push('## Long horizon: the best sweep configurations again', '', table(['Optimizer', 'LR', 'Best Loss', 'Final Loss', 'Final Acc', 'Time'], longSweep.map((r) => [r.optimizer.name, String(r.optimizer.learningRate), f4(r.bestLoss), f4(r.finalLoss), r.finalAccuracy.toFixed(4), `${r.seconds.toFixed(1)} s`])), '');
  }
  if (ablations.length) {
    const rows = ablations.map((r) => {
      const key = isMuon(r) ? r.label : THESIS_ABLATIONS[`${r.label} (adam)`] !== undefined ? `${r.label} (adam)` : r.label;
      return [isMuon(r) ? 'Muon' : 'Adam', r.label, f4(r.bestLoss), f4(r.finalLoss), r.finalAccuracy.toFixed(4), `${r.seconds.toFixed(1)} s`, f4(THESIS_ABLATIONS[key])];
    });
    md.push('## Q2/Q4/Q5: ablations (long horizon)', '', table(['Optimizer', 'Ablation', 'Best Loss', 'Final Loss', 'Final Acc', 'Time', 'Thesis (500 steps)'], rows), '');
    const ns = (n: number): RunResult | undefined => ablations.find((r) => r.label === `ns ${n}`);
    if (ns(3) && ns(5)) {
      const [a, b] = [ns(3)!, ns(5)!];
      md.push(`Newton–Schulz: 3 steps ${f4(a.bestLoss)} in ${a.seconds.toFixed(1)} s vs 5 steps ${f4(b.bestLoss)} in ${b.seconds.toFixed(1)} s: 3 steps took ${((100 * a.seconds) / b.seconds).toFixed(0)}% of the 5-step run's wall time (thesis: 5.1913 vs 5.1867 at ~85%). Wall times include evaluation and are noisy here; \`pnpm bench --suite ns\` times the iteration alone.`, '');
    }
  }
  if (final.length) {
    const rows: string[][] = [];
    for (const horizon of ['short', 'long'] as const) {
      for (const muon of [true, false]) {
        const rs = final.filter((r) => r.horizon === horizon && isMuon(r) === muon && r.finalLoss !== null);
        if (!rs.length) continue;
        const losses = rs.map((r) => r.finalLoss!);
        const thesis = muon ? (horizon === 'long' ? THESIS_FINAL.muonLong : THESIS_FINAL.muonShort) : horizon === 'long' ? THESIS_FINAL.adamLong : THESIS_FINAL.adamShort;
        const o = rs[0]!.optimizer;
        const how = `lr ${o.learningRate}, ${o.schedule ?? 'cosine'}, warmup ${o.warmupRatio ?? 0}${muon ? `, momentum ${o.momentum}, ns ${o.nsSteps}` : ''}`;
        rows.push([`${muon ? 'Muon' : 'Adam'} (${how})`, horizon, `${mean(losses).toFixed(4)} ± ${std(losses).toFixed(4)}`, `${mean(rs.map((r) => r.finalAccuracy)).toFixed(4)}`, `${mean(rs.map((r) => r.seconds)).toFixed(1)} s`, String(rs.length), thesis.toFixed(3)]);
      }
    }
    md.push('## Q1/Q6: final comparison over seeds', '', table(['Configuration', 'Horizon', 'Final Loss (mean ± std)', 'Final Acc', 'Time/run', 'Seeds', 'Thesis'], rows), '');
  }
  const svgs: [string, string][] = [];
  if (muonShort.length || adamShort.length) {
    svgs.push(['loss-vs-lr.svg', lineChart('Best validation loss vs learning rate (short horizon)', [
      { name: 'Muon', color: '#d62728', points: muonShort.map((r) => [r.optimizer.learningRate, r.bestLoss ?? NaN] as [number, number]).sort((a, b) => a[0] - b[0]) },
      { name: 'Adam', color: '#1f77b4', points: adamShort.map((r) => [r.optimizer.learningRate, r.bestLoss ?? NaN] as [number, number]).sort((a, b) => a[0] - b[0]) },
    ], { logX: true, xLabel: 'learning rate', yLabel: 'validation loss' })]);
  }
  const curveOf = (muon: boolean): [number, number][] => final.find((r) => r.horizon === 'long' && isMuon(r) === muon)?.curve ?? [];
  if (final.length) {
    svgs.push(['validation-curves.svg', lineChart('Validation loss, final configurations (long horizon, first seed)', [
      { name: 'Muon', color: '#d62728', points: curveOf(true) },
      { name: 'Adam', color: '#1f77b4', points: curveOf(false) },
    ], { xLabel: 'optimizer step', yLabel: 'validation loss' })]);
  }
  if (ablations.length) {
    svgs.push(['ablations.svg', dotChart('Ablations: best validation loss', ablations.map((r) => ({ label: `${isMuon(r) ? 'Muon' : 'Adam'}: ${r.label}`, value: r.bestLoss ?? NaN, spread: 0, color: isMuon(r) ? '#d62728' : '#1f77b4' })), 'validation loss (lower is better)')]);
  }
  // The optimizer ladder, when the study ran it (reproduce --ladder) or one was written into ladder/.
  const ladderDir = join(dir, 'ladder');
  if (existsSync(join(ladderDir, 'ladder.md')) && existsSync(join(ladderDir, 'ladder.svg'))) {
    md.push('## The optimizer ladder (teacher–student MLP)', '', readFileSync(join(ladderDir, 'ladder.md'), 'utf8').split('\n').slice(2).join('\n'), '');
    svgs.push(['ladder/ladder.svg', readFileSync(join(ladderDir, 'ladder.svg'), 'utf8')]);
  }
  for (const [name, svg] of svgs) if (!name.startsWith('ladder/')) await writeAtomically(join(dir, name), svg);
  md.push('## Plots', '', ...svgs.map(([name]) => `![${name}](${name})`), '');
  const summary = md.join('\n');
  await writeAtomically(join(dir, 'summary.md'), summary);
  await writeAtomically(join(dir, 'report.html'), toHtml(summary, svgs));
  return summary;
}

function toHtml(markdown: string, svgs: [string, string][]): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const lines = markdown.split('\n');
  const html: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(lines[i++]!);
      i--;
      const cells = (r: string): string[] => r.split('|').slice(1, -1).map((c) => esc(c.trim()));
      html.push('<table>', `<tr>${cells(rows[0]!).map((c) => `<th>${c}</th>`).join('')}</tr>`, ...rows.slice(2).map((r) => `<tr>${cells(r).map((c) => `<td>${c}</td>`).join('')}</tr>`), '</table>');
    } else if (l.startsWith('# ')) html.push(`<h1>${esc(l.slice(2))}</h1>`);
    else if (l.startsWith('## ')) html.push(`<h2>${esc(l.slice(3))}</h2>`);
    else if (l.startsWith('### ')) html.push(`<h3>${esc(l.slice(4))}</h3>`);
    else if (l.startsWith('![')) continue;
    else if (l.trim()) html.push(`<p>${esc(l).replace(/\*\*(.+?)\*\*/g, '<b>$1</b>')}</p>`);
  }
  html.push(...svgs.map(([, svg]) => `<figure>${svg}</figure>`));
  return `<!doctype html><html><head><meta charset="utf-8"><title>optimlab report</title><style>body{font-family:sans-serif;max-width:980px;margin:2em auto}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>${html.join('\n')}</body></html>`;
}
