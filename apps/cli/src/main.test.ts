/**
 * The CLI end to end: `optimlab reproduce --preset smoke` fills the summary's tables from real runs
 * and re-running resumes (skips finished runs); bad input is one line and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
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

  it('reproduce --preset smoke runs the study, writes filled tables and plots, and resumes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'optimlab-study-')), 'study');
    const first = cli(['reproduce', '--preset', 'smoke', '--seeds', '1', '--out', out, '--quiet', '--ladder']);
    expect(first.status, first.stderr).toBe(0);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    // Every sweep row carries a measured loss: 8 Muon and 11 Adam learning rates.
    const sweepRows = summary.split('\n').filter((l) => /^\| (0\.\d+|1e-4|0\.0001) \| \d+\.\d{4} \|/.test(l));
    expect(sweepRows.length).toBe(19);
    expect(summary).toMatch(/Optimal LR: Muon [\d.]+, Adam [\d.e-]+ → ratio \d+×/);
    expect(summary).toMatch(/\| Muon \| ns 3 \| \d+\.\d{4} \|/);
    expect(summary).toMatch(/Newton–Schulz: 3 steps \d+\.\d{4}/);
    expect(summary).toMatch(/\| Muon \(lr [\d.]+, [^|]*\) \| long \| \d+\.\d{4} ± \d+\.\d{4} \|/);
    for (const f of ['report.html', 'loss-vs-lr.svg', 'validation-curves.svg', 'ablations.svg', 'config.json', 'ladder/ladder.md']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(summary).toMatch(/## The optimizer ladder/);
    expect((readFileSync(join(out, 'report.html'), 'utf8').match(/<svg/g) ?? []).length).toBe(4); // sweep, curves, ablations, ladder race
    const runs = readdirSync(join(out, 'runs'));
    for (const r of runs) {
      expect(existsSync(join(out, 'runs', r, 'result.json'))).toBe(true);
      const log = readFileSync(join(out, 'runs', r, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(log.some((e) => e.type === 'eval')).toBe(true);
    }
    // Re-running skips every finished run (and re-renders the same report).
    const t0 = Date.now();
    const again = cli(['reproduce', '--preset', 'smoke', '--seeds', '1', '--out', out, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/"type":"step"/);
    expect(readdirSync(join(out, 'runs')).length).toBe(runs.length);
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 600_000);
});
