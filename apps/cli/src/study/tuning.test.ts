/**
 * The fair-tuning procedure on the real engine, with a synthetic runner in place of training: each
 * run's final loss is a known function of its learning rate, schedule, warmup and seed, so the
 * test knows which choices the procedure must make. Also: runs.csv and curves.csv hold everything
 * the analyses read (the view read back from them equals the one from the run folders).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runner } from '../runner.js';
import type { RunResult, RunSpec } from '../runs.js';
import { latticeAround, latticeLr, runPhases, studyView, type StudyDefinition, type StudyState } from './engine.js';
import { readRawView, writeRawData } from './raw-data.js';
import { noiseNear, pooledStd, tune, type Contestant, type Tuning } from './tuning.js';

/** Loss = a parabola in log10(lr) around `best`, plus per-knob offsets and a seed offset. */
interface Landscape {
  readonly best: number;
  readonly offsets: Readonly<Record<string, number>>;
  readonly seedNoise: readonly number[];
  /** The schedule's own optimum, when it moves the best LR (×). */
  readonly shift?: Readonly<Record<string, number>>;
}

function syntheticRunner(land: Landscape, made: string[]): Runner {
  return {
    async run(spec: RunSpec, dir: string): Promise<RunResult> {
      const o = spec.train.optimizer as Record<string, unknown> & { learningRate: number };
      const best = land.best * (land.shift?.[String(o['schedule'])] ?? 1);
      const knobs = Object.entries(land.offsets).reduce((t, [k, v]) => t + (`${k}` === `schedule=${o['schedule']}` || `${k}` === `warmupRatio=${o['warmupRatio']}` ? v : 0), 0);
      const loss = 4 + (Math.log10(o.learningRate / best) ** 2) + knobs + land.seedNoise[(spec.train.seed - 1000) % land.seedNoise.length]!;
      const result: RunResult = {
        id: spec.id, phase: spec.phase, label: spec.label, horizon: spec.horizon, optimizer: spec.train.optimizer, seed: spec.train.seed, status: 'finished', steps: spec.train.steps,
        bestLoss: loss - 0.5, finalLoss: loss, finalAccuracy: 0.1, seconds: 1, optimizerGpuMs: null, curve: [[spec.train.steps, loss]], utilisation: [], environment: { commit: 'test', adapter: 'synthetic' },
      };
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
      writeFileSync(join(dir, 'log.jsonl'), `${JSON.stringify({ type: 'step', step: 1, loss: loss + 1 })}\n${JSON.stringify({ type: 'eval', step: spec.train.steps, valLoss: loss, accuracy: 0.1 })}\n`);
      made.push(spec.id);
      return result;
    },
    close: async () => {},
  };
}

const CONTESTANT: Contestant = {
  key: 'x', name: 'X', base: { name: 'adamw', schedule: 'cosine', warmupRatio: 0.05 }, grid: latticeAround(1e-3, 3, 4),
  knobs: [
    { name: 'schedule', ownLr: true, alternatives: [{ label: 'constant', change: { schedule: 'constant' } }] },
    { name: 'warmup', alternatives: [{ label: 'warmup 0', change: { warmupRatio: 0 } }] },
  ],
};

async function study(land: Landscape, dir: string, made: string[]): Promise<Tuning> {
  let tuned: Tuning | undefined;
  const def: StudyDefinition = {
    name: 'synthetic', summary: '', title: '', defaultSeeds: () => 3, analyses: [], introduction: () => '',
    phases: [{ name: 'tune', summary: '', run: async (ctx) => void (tuned = await tune(ctx, 'tune', CONTESTANT, { horizon: 'long', seeds: [1000, 1001, 1002], perDecade: 4 })) }],
  };
  const state: StudyState = { settings: {}, entries: [], extensions: [] };
  await runPhases(def, { dir, preset: 'smoke', seeds: 3, state, runner: syntheticRunner(land, made) });
  return tuned!;
}

describe('fair tuning', () => {
  it('extends the LR grid until the seed-mean optimum is bracketed, on the lattice', async () => {
    const made: string[] = [];
    const t = await study({ best: 10 ** -2.25, offsets: {}, seedNoise: [0, 0.01, -0.01] }, mkdtempSync(join(tmpdir(), 'tune-')), made);
    const lrs = t.lrSweep.map((p) => p.lr);
    // Started at 10^-3.25..10^-2.75; the optimum 10^-2.25 is 2 lattice steps past the top: extended past it by one.
    expect(lrs).toEqual([-13, -12, -11, -10, -9, -8].map((k) => latticeLr(k, 4)));
    expect(t.path[0]!.incumbent.learningRate).toBe(latticeLr(-9, 4));
    // Every grid point on every tuning seed.
    expect(made.filter((id) => id.includes('-lr_')).length).toBe(lrs.length * 3);
  });

  it('keeps a change only when it beats the incumbent by more than the seed noise', async () => {
    const noise = [0, 0.02, -0.02];
    // Constant is better by 0.05 (> noise 0.02): kept. No warmup is better by 0.01 (< noise): not kept.
    const t = await study({ best: 1e-3, offsets: { 'schedule=constant': -0.05, 'warmupRatio=0': -0.01 }, seedNoise: noise }, mkdtempSync(join(tmpdir(), 'tune-')), []);
    expect(t.noise).toBeCloseTo(0.02, 12);
    expect(t.path.map((s) => s.kept)).toEqual(['constant', null]);
    expect(t.path[1]!.improvement).toBeCloseTo(0.01, 12);
    expect(t.config).toMatchObject({ schedule: 'constant', warmupRatio: 0.05, learningRate: 1e-3 });
    // Per-seed losses are kept for paired comparisons, in seed order.
    expect(t.path[0]!.tried[0]!.losses.map((l) => l! - t.path[0]!.tried[0]!.losses[0]!)).toEqual([0, 0.02, -0.02].map((d) => expect.closeTo(d, 12)));
  });

  it('gives a schedule its own learning rate', async () => {
    // Constant wants an LR 10^0.5 = 3.16× higher: the check walks the lattice up to it (extended once).
    const t = await study({ best: 1e-3, offsets: { 'schedule=constant': -0.1 }, shift: { constant: 10 ** 0.5 }, seedNoise: [0, 0.01, -0.01] }, mkdtempSync(join(tmpdir(), 'tune-')), []);
    expect(t.path[0]!.tried[0]!.learningRate).toBe(latticeLr(-10, 4));
    expect(t.config['learningRate']).toBe(latticeLr(-10, 4));
  });

  it('takes the same path when resumed: every run is found, none is made again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tune-'));
    const land = { best: 1e-3, offsets: { 'schedule=constant': -0.05 }, seedNoise: [0, 0.02, -0.02] };
    const first = await study(land, dir, []);
    const again: string[] = [];
    expect(await study(land, dir, again)).toEqual(first);
    expect(again).toEqual([]);
  });

  it('runs.csv and curves.csv hold what the analyses read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tune-'));
    let state: StudyState = { settings: {}, entries: [], extensions: [] };
    const def: StudyDefinition = {
      name: 'synthetic', summary: '', title: '', defaultSeeds: () => 3, analyses: [], introduction: () => '',
      phases: [{ name: 'tune', summary: '', run: async (ctx) => void (await tune(ctx, 'tune', CONTESTANT, { horizon: 'long', seeds: [1000, 1001], perDecade: 4 })) }],
    };
    await runPhases(def, { dir, preset: 'smoke', seeds: 2, state, runner: syntheticRunner({ best: 0.01, offsets: {}, seedNoise: [0, 0.01] }, []) });
    state = JSON.parse(JSON.stringify(state)) as StudyState;
    const fromRuns = studyView(dir, 'smoke', 2, state);
    await writeRawData(dir, fromRuns);
    const fromCsv = readRawView(dir, fromRuns);
    expect(fromCsv.entries.length).toBe(fromRuns.entries.length);
    expect(fromCsv.entries).toEqual(fromRuns.entries.map((e) => ({ ...e, result: { ...e.result, utilisation: [] } })));
  });
});

describe('seed noise', () => {
  it('pools the sample variance over points, skipping diverged and single-seed ones', () => {
    // Variances 1 (df 2) and 4 (df 1): pooled (2·1 + 1·4) / 3 = 2.
    expect(pooledStd([[1, 2, 3], [0, 2 * Math.SQRT2], [5], [1, Infinity]])).toBeCloseTo(Math.sqrt(2), 12);
    expect(pooledStd([[1]])).toBeNaN();
  });
  it('is taken near the best learning rate', () => {
    const point = (lr: number, results: number[]) => ({ lr, mean: results.reduce((a, b) => a + b) / results.length, results: results.map((finalLoss) => ({ status: 'finished', finalLoss }) as RunResult) });
    // The far point's large spread is left out.
    expect(noiseNear([point(1, [9, 1]), point(2, [5, 5]), point(3, [4, 4.2]), point(4, [5, 5.2])])).toBeCloseTo(Math.sqrt((0 + 0.02 + 0.02) / 3), 12);
  });
});
