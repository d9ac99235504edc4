/**
 * `optimlab study` end to end through the binary: init writes a starter that checks; the example
 * (examples/normuon-vs-muon.yaml, with its own optimizer from examples/my-optimizer.ts) runs at the
 * smoke preset into a study folder like reproduce's, resumes without running anything again,
 * refuses to mix in another study file, and re-renders with `optimlab report`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'bin', 'optimlab.mjs');
const example = join(here, '..', '..', '..', '..', 'examples', 'normuon-vs-muon.yaml');
const cli = (args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, env: { ...process.env, INIT_CWD: cwd } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('optimlab study', () => {
  it('init writes a starter that study check accepts, with its planned runs and time; init does not overwrite', () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-init-'));
    expect(cli(['study', 'init'], root).status).toBe(0);
    const check = cli(['study', 'check', 'my-study.yaml', '--preset', 'smoke'], root);
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/my-study\.yaml: valid\./);
    expect(check.stdout).toMatch(/\d+ × +16 steps {2}tune: normuon \(LR grid, then momentum\) × 1 tuning seed$/m);
    expect(check.stdout).toMatch(/\n\d+–\d+ runs; training steps alone [\d.]+ min–[\d.]+ min on .* at normuon\+adamw \d+ ms, muon\+adamw \d+ ms per step/);
    const again = cli(['study', 'init'], root);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/my-study\.yaml exists: pick another name, or --force/);
  }, 120_000);

  it('run examples/normuon-vs-muon.yaml --preset smoke: the study folder with three paired verdicts and the tuning, a module optimizer among the contestants; resumes; refuses another study file; re-renders', () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-studyfile-'));
    const out = join(root, 'study');
    const first = cli(['study', 'run', example, '--preset', 'smoke', '--out', out, '--quiet'], root);
    expect(first.status, first.stderr).toBe(0);
    for (const f of ['study.json', 'study-file.json', 'runs.csv', 'curves.csv', 'summary.md', 'report.html', 'final-normuon-vs-muon.svg', 'final-spectral-vs-muon.svg', 'final-muon-vs-adamw.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^# NorMuon and Spectral Muon against tuned Muon and AdamW — `smoke` preset/);
    expect(summary.match(/\*\*Verdict: (holds|does not hold|inconclusive at this scale)\.\*\*/g)).toHaveLength(3);
    expect(summary).toMatch(/\| 16 steps \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \| [-+]\d\.\d{4} .*3 pairs \|/); // seed pairs on the 3 fresh seeds
    expect(summary).toMatch(/## Tuning: the same procedure and budget for every contestant/);
    expect(summary).toMatch(/## The winner's curse\n\n\| Contestant \|/); // the tuned configs on their tuning seeds against fresh ones
    expect(summary).toMatch(/\| Spectral Muon\+AdamW \| learning rate \| — \| 0\.01: \d\.\d{4}, 0\.0316: \d\.\d{4}, 0\.1: \d\.\d{4}/);
    expect(summary).toMatch(/\*\*Tuning budgets:\*\* NorMuon\+AdamW \d+ runs, Spectral Muon\+AdamW \d+ runs, Muon\+AdamW \d+ runs, AdamW \d+ runs/);
    const settings = (JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as { settings: Record<string, unknown> }).settings;
    expect(settings).toMatchObject({ study: 'normuon-vs-muon', preset: 'smoke', studyFile: expect.stringMatching(/^[0-9a-f]{64}$/), optimizerModule: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const runs = readdirSync(join(out, 'runs'));
    expect(runs.filter((r) => r.startsWith('spectral-muon_adamw-')).length).toBeGreaterThanOrEqual(7); // the module's optimizer ran
    const made = JSON.parse(readFileSync(join(out, 'runs', runs.find((r) => r.startsWith('spectral-muon_adamw-'))!, 'config.json'), 'utf8')) as { optimizer: { name: string } };
    expect(made.optimizer.name).toBe('spectral-muon+adamw');

    // Resumes: every run is found, none made again, the same summary.
    const again = cli(['study', 'run', example, '--preset', 'smoke', '--out', out, '--json'], root);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/"type":"(start|run-start)"/);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual([...runs].sort());
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(summary);

    // Another study file into the same folder is refused, before anything runs.
    const other = join(root, 'other.yaml');
    writeFileSync(other, readFileSync(example, 'utf8').replace('optimizerModule: ./my-optimizer.ts', `optimizerModule: ${join(dirname(example), 'my-optimizer.ts')}`).replace('seeds: 5 #', 'seeds: 6 #'));
    const mixed = cli(['study', 'run', other, '--preset', 'smoke', '--out', out], root);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr.trim()).toMatch(/^optimlab study run: .*study holds a study made with other settings \(studyFile\): use another --out; a study folder never mixes runs\.$/);

    // The report re-renders from the folder alone (its copy of the study file).
    const report = cli(['report', out], root);
    expect(report.status, report.stderr).toBe(0);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toBe(summary);
  }, 600_000);
});
