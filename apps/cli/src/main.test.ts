/**
 * The CLI end to end: `optimlab reproduce --preset smoke` fills the summary's tables from real runs
 * and re-running resumes (skips finished runs); bad input is one line and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'optimlab.mjs');
const cli = (args: string[], cwd?: string): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, INIT_CWD: cwd ?? process.cwd() } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('optimlab CLI', () => {
  it('sweep runs every grid combination and writes its table', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'optimlab-sweep-')), 'sweep');
    const r = cli(['sweep', '--preset', 'smoke', '--grid', 'lr=0.05,0.1', '--steps', '4', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const table = readFileSync(join(out, 'sweep.md'), 'utf8');
    expect(table).toMatch(/\| lr 0.05 \| \d+\.\d{4} \|/);
    expect(table).toMatch(/\| lr 0.1 \| \d+\.\d{4} \|/);
  }, 300_000);

  it('ladder races optimizers on the teacher-student MLP and writes a leaderboard', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'optimlab-ladder-')), 'ladder');
    const r = cli(['ladder', '--steps', '30', '--optimizers', 'adamw,signsgd', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'ladder.md'), 'utf8');
    expect(md).toMatch(/\| 1 \| (adamw|signsgd) \| [\d.e-]+ \| \d\.\d{2}e[-+]\d+ \|/);
    expect(md.split('\n').filter((l) => /^\| \d \|/.test(l))).toHaveLength(2);
    expect(existsSync(join(out, 'ladder.svg'))).toBe(true);
    expect(readdirSync(join(out, 'runs'))).toHaveLength(10); // each run saved as it finished
    // Re-running resumes: nothing is run again, the leaderboard is the same.
    const again = cli(['ladder', '--steps', '30', '--optimizers', 'adamw,signsgd', '--out', out, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.split('\n').filter((l) => l.includes('"type":"ladder-run"')).every((l) => l.includes('"cached":true'))).toBe(true);
    expect(readFileSync(join(out, 'ladder.md'), 'utf8')).toBe(md);
  }, 300_000);

  it('reproduce --preset smoke: verdicts with statistics for every question, plots, html; resumes; re-runs an incomplete result; refuses other data', () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-study-'));
    const out = join(root, 'study');
    const first = cli(['reproduce', '--preset', 'smoke', '--seeds', '2', '--out', out, '--quiet', '--ladder']);
    expect(first.status, first.stderr).toBe(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    for (const q of ['Q1. Does Muon beat Adam', 'Q2. Which hyperparameters', 'Q3. How do their optimal learning rates', 'Q4. Do schedules and warmup', 'Q5. What do Newton–Schulz', 'Q6. The recommended production']) expect(summary).toContain(q);
    expect(summary.match(/\*\*Verdict: (holds|does not hold|inconclusive at this scale)\.\*\*/g)).toHaveLength(6);
    expect(summary).toMatch(/\| long \(16 steps\) \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \| [-+]\d\.\d{4} \(95% CI \[-?\d\.\d{4}, -?\d\.\d{4}\]\), Welch's t p = [\d.e-]+, 2 vs 2 seeds \|/);
    expect(summary).toMatch(/optimizer GPU ms \/ step \| \d+\.\d{2} ± \d+\.\d{2} \|/); // Newton–Schulz cost from GPU timestamps
    expect(summary).toMatch(/\| 0\.07 \| \d\.\d{4} \| \d\.\d{4} \| \d\.\d{4} \| \d+ s \| 5\.7239 \|/); // ours beside the thesis's
    for (const f of ['report.html', 'loss-vs-lr.svg', 'validation-curves.svg', 'ablations.svg', 'final-comparison.svg', 'study.json', 'ladder/ladder.md']) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<table>/);
    expect(html).toMatch(/<code>[^<]+<\/code>/);
    expect(html.replace(/<svg[\s\S]*?<\/svg>/g, '')).not.toMatch(/`/); // markdown rendered, no raw backticks
    expect((html.match(/<svg/g) ?? []).length).toBe(5); // loss vs LR, ablations, final comparison, curves, ladder race
    expect(summary).toMatch(/## The optimizer ladder/);
    const runs = readdirSync(join(out, 'runs'));
    // One folder per configuration: "momentum 0.9" (the base) and its ablation twin are one run.
    const keys = runs.map((r) => r.slice(r.lastIndexOf('-') + 1));
    expect(new Set(keys).size).toBe(keys.length);
    const state = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as { entries: { run: string; label: string }[] };
    expect(state.entries.length).toBeGreaterThan(runs.length); // some runs answer several labels
    for (const r of runs) {
      expect(existsSync(join(out, 'runs', r, 'result.json'))).toBe(true);
      const result = JSON.parse(readFileSync(join(out, 'runs', r, 'result.json'), 'utf8'));
      expect(result.environment.adapter).toMatch(/\w/);
      expect(result.environment.commit).toMatch(/\w/);
    }
    // Re-running skips every finished run; an incomplete result.json counts as unfinished and runs again.
    writeFileSync(join(out, 'runs', runs[0]!, 'result.json'), '{"id": "trunc');
    const again = cli(['reproduce', '--preset', 'smoke', '--seeds', '2', '--out', out, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.split('\n').filter((l) => l.includes('"type":"run-start"'))).toHaveLength(1);
    expect(readdirSync(join(out, 'runs')).length).toBe(runs.length);
    const resumed = readFileSync(join(out, 'summary.md'), 'utf8'); // the re-run run's time may change the totals
    // Another corpus into the same folder: refused, nothing changed.
    const corpus = join(root, 'other.jsonl');
    writeFileSync(corpus, Array.from({ length: 12 }, (_, i) => JSON.stringify({ text: `Another corpus entirely, document ${i}. `.repeat(200) })).join('\n'));
    const mixed = cli(['reproduce', '--preset', 'smoke', '--seeds', '2', '--out', out, '--corpus', corpus]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr.trim()).toMatch(/holds a study made with other settings \(corpus, (tokenizer, )?data\): use another --out/);
    expect(readdirSync(join(out, 'runs')).length).toBe(runs.length);
    // A final run's checkpoint can be sampled (the study's tokenizer is two folders up).
    const final = readdirSync(join(out, 'runs')).find((r) => existsSync(join(out, 'runs', r, 'checkpoint.safetensors')))!;
    const text = cli(['sample', join(out, 'runs', final), '--tokens', '5', '--seed', '3']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^The Congress/);
    // The report re-renders from the folder alone: the summary the last reproduce wrote.
    const report = cli(['report', out]);
    expect(report.status, report.stderr).toBe(0);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(resumed);
  }, 900_000);

  it('reproduce --study robustness --preset smoke: the robustness table, the loss-vs-LR plot and the four verdicts', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'optimlab-robust-')), 'study');
    const r = cli(['reproduce', '--study', 'robustness', '--preset', 'smoke', '--seeds', '2', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| Optimizer \| Best loss \| LR range within 1% \(decades\) \| within 2% \| within 5% \| Mean excess loss over the grid \| Diverged \|/);
    for (const name of ['Muon \\(\\+AdamW\\)', 'Muon-Momo \\(f\\* = 0\\)', 'MuonMax', 'MuonMax-Momo \\(f\\* = 0\\)', 'AdamW']) expect(summary).toMatch(new RegExp(`\\| ${name} \\| \\d\\.\\d{4} ± \\d\\.\\d{4} \\|`));
    expect(summary.match(/\*\*Verdict: (holds|does not hold|inconclusive at this scale)\.\*\*/g)).toHaveLength(4);
    expect(existsSync(join(out, 'robustness-loss-vs-lr.svg'))).toBe(true);
    const list = cli(['reproduce', '--list']);
    expect(list.stdout).toMatch(/^thesis\s+Muon vs Adam/m);
    expect(list.stdout).toMatch(/^robustness\s+is MuonMax/m);
  }, 900_000);
});
