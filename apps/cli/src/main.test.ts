/**
 * The CLI end to end: `optimlab reproduce --preset smoke` fills the summary's tables from real runs
 * and re-running resumes (skips finished runs); bad input is one line and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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
    const rows = readFileSync(join(out, 'ladder-runs.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('optimizer,lr,steps,final_relative,steps_to_target');
    expect(rows).toHaveLength(11); // the raw runs beside the leaderboard
    expect(readFileSync(join(out, 'ladder-curves.csv'), 'utf8').trim().split('\n').length).toBeGreaterThan(10 * 20);
    // Re-running resumes: nothing is run again, the leaderboard is the same.
    const again = cli(['ladder', '--steps', '30', '--optimizers', 'adamw,signsgd', '--out', out, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.split('\n').filter((l) => l.includes('"type":"ladder-run"')).every((l) => l.includes('"cached":true'))).toBe(true);
    expect(readFileSync(join(out, 'ladder.md'), 'utf8')).toBe(md);
  }, 300_000);

  it('reproduce --preset smoke: the fair protocol end to end (tuning paths, paired verdicts, token speedup, threats), raw CSVs, plots, html; resumes; re-runs an incomplete result; refuses other data; re-renders from the CSVs alone', () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-study-'));
    const out = join(root, 'study');
    const first = cli(['reproduce', '--preset', 'smoke', '--seeds', '3', '--out', out, '--quiet', '--ladder']);
    expect(first.status, first.stderr).toBe(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    for (const q of ['Q1. Does Muon beat AdamW', 'Token speedup', 'Tuning: the same procedure', 'Q2. How sensitive', 'Q3. How do their optimal learning rates', 'Q4. Do schedules and warmup', 'Q5. What do Newton–Schulz', 'Q6. The recommended configuration', "The winner's curse", 'Threats to validity']) expect(summary).toContain(q);
    expect(summary.match(/\*\*Verdict: (holds|does not hold|inconclusive at this scale|threshold-dependent)\.\*\*/g)).toHaveLength(7);
    // The headline: seed pairs on fresh seeds, the test named.
    expect(summary).toMatch(/\| 16 steps \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \| [-+]\d\.\d{4} .*(paired t|exact sign-flip \(no spread\)) p = [\d.e-]+, 3 pairs \|/);
    // The speedup: AdamW's power-law fit over 4 budgets, with a bootstrap CI.
    expect(summary).toMatch(/AdamW's fit: L\(D\) = [\d.e+-]+·D\^\(−[\d.]+\) \+ [\d.]+ over 4 budgets/);
    expect(summary).toMatch(/\| 16 steps \([\d,]+ tokens\) \| \d\.\d{4} \| ([\d.]+×|∞) \| \[([\d.]+×|∞), ([\d.]+×|∞)\] \|/);
    expect(summary).toMatch(/\| Muon\+AdamW \| learning rate \| — \|/); // the tuning path, LR first
    expect(summary).toMatch(/Budgets: Muon\+AdamW \d+ runs, AdamW \d+ runs/);
    expect(summary).toMatch(/optimizer GPU ms \/ step \| \d+\.\d{2} ± \d+\.\d{2} \|/); // Newton–Schulz cost from GPU timestamps
    for (const f of ['report.html', 'loss-vs-lr.svg', 'validation-curves.svg', 'final-muon-vs-adam.svg', 'speedup-muon-vs-adam.svg', 'study.json', 'runs.csv', 'curves.csv', 'ladder/ladder.md']) expect(existsSync(join(out, f)), f).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<table>/);
    expect(html).toMatch(/<code>[^<]+<\/code>/);
    expect(html.replace(/<svg[\s\S]*?<\/svg>/g, '')).not.toMatch(/`/); // markdown rendered, no raw backticks
    expect((html.match(/<svg/g) ?? []).length).toBe(5); // final comparison, token speedup, loss vs LR, curves, ladder race
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
    const again = cli(['reproduce', '--preset', 'smoke', '--seeds', '3', '--out', out, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.split('\n').filter((l) => l.includes('"type":"run-start"'))).toHaveLength(1);
    expect(readdirSync(join(out, 'runs')).length).toBe(runs.length);
    const resumed = readFileSync(join(out, 'summary.md'), 'utf8'); // the re-run run's time may change the totals
    // Another corpus into the same folder: refused, nothing changed.
    const corpus = join(root, 'other.jsonl');
    writeFileSync(corpus, Array.from({ length: 12 }, (_, i) => JSON.stringify({ text: `Another corpus entirely, document ${i}. `.repeat(200) })).join('\n'));
    const mixed = cli(['reproduce', '--preset', 'smoke', '--seeds', '3', '--out', out, '--corpus', corpus]);
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
    // ... and from study.json, runs.csv and curves.csv alone (what docs/studies keeps).
    const raw = join(root, 'raw');
    mkdirSync(raw);
    for (const f of ['study.json', 'runs.csv', 'curves.csv']) copyFileSync(join(out, f), join(raw, f));
    const fromCsv = cli(['report', raw]);
    expect(fromCsv.status, fromCsv.stderr).toBe(0);
    expect(readFileSync(join(raw, 'summary.md'), 'utf8')).toBe(resumed.slice(0, resumed.indexOf('## The optimizer ladder')).replace(/\n+$/, '\n')); // no ladder folder there
  }, 900_000);

  it('reproduce --study robustness --preset smoke: the robustness table, the loss-vs-LR plot and the four verdicts', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'optimlab-robust-')), 'study');
    const r = cli(['reproduce', '--study', 'robustness', '--preset', 'smoke', '--seeds', '2', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/\| Optimizer \| LRs run \| Best LR \(seed mean; ≈ parabola\) \| Best seed-mean loss \| Best loss per seed \| Width within 1% \(decades\) \| within 2% \| within 5% \| Mean excess loss/);
    // Every optimizer over the same lattice: the widths are interpolated (two decimals, ≥ for a bound), not lattice counts.
    for (const name of ['Muon \\(\\+AdamW\\)', 'Muon-Momo \\(f\\* = 0\\)', 'MuonMax', 'MuonMax-Momo \\(f\\* = 0\\)', 'AdamW']) expect(summary).toMatch(new RegExp(`\\| ${name} \\| [\\d.e-]+–[\\d.e-]+ \\| [\\d.e-]+.* \\| \\d\\.\\d{4} \\| \\d\\.\\d{4} ± \\d\\.\\d{4} \\| (≥ )?\\d\\.\\d\\d \\|`));
    expect(summary.match(/\*\*Verdict: (holds|does not hold|inconclusive at this scale|threshold-dependent)\.\*\*/g)).toHaveLength(4);
    expect(summary).toMatch(/- 1%: seed-mean widths muonmax .* → (holds|does not hold|inconclusive at this scale)\n- 2%: .*\n- 5%: /);
    expect(summary).toContain('## Threats to validity');
    for (const f of ['runs.csv', 'curves.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(existsSync(join(out, 'robustness-loss-vs-lr.svg'))).toBe(true);
    const list = cli(['reproduce', '--list']);
    expect(list.stdout).toMatch(/^thesis\s+Muon vs Adam/m);
    expect(list.stdout).toMatch(/^robustness\s+is MuonMax/m);
  }, 900_000);
});
