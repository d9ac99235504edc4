/**
 * The study (`optimlab reproduce`): the thesis protocol scaled to a preset.
 * Phase 1: LR sweeps at the short horizon — Muon (AdamW group at lr/10) and Adam(W) — then the best
 * five Muon and best three Adam again at the long horizon. Phase 2: ablations around the best Muon
 * (momentum, weight decay, Newton–Schulz steps, Nesterov, warmup, schedule) and the Adam suite.
 * Phase 3: the best configurations over several seeds at both horizons.
 * Runs are executed in order; finished ones are skipped, so re-running resumes.
 */
import { join } from 'node:path';
import { PRESETS, resolveRunConfig, type OptimizerConfig, type PresetName } from '@optimlab/moe-model';
import type { Data } from './data.js';
import { executeRun, type RunEnvironment, type RunProgress, type RunResult, type RunSpec } from './runs.js';

export const MUON_LRS = [0.02, 0.03, 0.04, 0.05, 0.07, 0.09, 0.1, 0.15];
export const ADAM_LRS = [1e-4, 2e-4, 3e-4, 5e-4, 7e-4, 1e-3, 2e-3, 3e-3, 5e-3, 7e-3, 1e-2];

const MUON_BASE = { name: 'muon+adamw', learningRate: 0.07, momentum: 0.9, nesterov: true, nsSteps: 5, adamwWeightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };
const ADAM_BASE = { name: 'adamw', learningRate: 1e-3, weightDecay: 0.1, schedule: 'cosine', warmupRatio: 0.05, minLrRatio: 0.1 };

export interface StudyOptions {
  readonly preset: PresetName;
  readonly seeds: number;
  readonly only?: 'sweep' | 'ablations' | 'final';
  readonly environment: RunEnvironment;
}

export interface StudyProgress extends RunProgress {
  onRunStart(index: number, total: number, spec: RunSpec): void;
  onRunEnd(result: RunResult): void;
}

function spec(o: StudyOptions, phase: string, label: string, horizon: 'short' | 'long', optimizer: Record<string, unknown>, seed = 42): RunSpec {
  const p = PRESETS[o.preset];
  const train = resolveRunConfig({ preset: o.preset, optimizer, steps: p.study[horizon], seed });
  const slug = `${phase}-${train.optimizer.name}-${label}-${horizon}-s${seed}`.replace(/[^a-zA-Z0-9.-]+/g, '_');
  return { id: slug, phase, label, horizon, train };
}

const score = (r: RunResult): number => r.bestLoss ?? Infinity;
const bestBy = (rs: readonly RunResult[], n: number): RunResult[] => [...rs].sort((a, b) => score(a) - score(b)).slice(0, n);

export async function runStudy(o: StudyOptions, root: string, data: Data, progress: StudyProgress): Promise<RunResult[]> {
  const results: RunResult[] = [];
  let index = 0;
  // The total is known phase by phase (later phases depend on earlier results); report a running estimate.
  const estimate = MUON_LRS.length + ADAM_LRS.length + 8 + 27 + 4 * o.seeds;
  const run = async (s: RunSpec): Promise<RunResult> => {
    const done = results.find((r) => r.id === s.id);
    if (done) return done;
    progress.onRunStart(++index, Math.max(estimate, index), s);
    const r = await executeRun(s, join(root, s.id), data, progress, { environment: o.environment });
    progress.onRunEnd(r);
    results.push(r);
    return r;
  };
  const muonAt = (lr: number) => ({ ...MUON_BASE, learningRate: lr, adamwLearningRate: lr / 10 });
  const adamAt = (lr: number) => ({ ...ADAM_BASE, learningRate: lr });

  // Phase 1: sweeps.
  const muonShort: RunResult[] = [];
  const adamShort: RunResult[] = [];
  for (const lr of MUON_LRS) muonShort.push(await run(spec(o, 'sweep', `lr ${lr}`, 'short', muonAt(lr))));
  for (const lr of ADAM_LRS) adamShort.push(await run(spec(o, 'sweep', `lr ${lr}`, 'short', adamAt(lr))));
  const muonLong: RunResult[] = [];
  const adamLong: RunResult[] = [];
  for (const r of bestBy(muonShort, 5)) muonLong.push(await run(spec(o, 'sweep', r.label, 'long', r.optimizer)));
  for (const r of bestBy(adamShort, 3)) adamLong.push(await run(spec(o, 'sweep', r.label, 'long', r.optimizer)));
  if (o.only === 'sweep') return results;

  // Phase 2: ablations around the best Muon (long horizon) and the Adam suite.
  const bestMuon = bestBy(muonLong, 1)[0]!.optimizer;
  const bestAdam = bestBy(adamLong, 1)[0]!.optimizer;
  if (o.only !== 'final') {
    const ablate = async (label: string, change: Partial<OptimizerConfig>, base: OptimizerConfig): Promise<void> => {
      await run(spec(o, 'ablation', label, 'long', { ...base, ...change }));
    };
    for (const m of [0.9, 0.95, 0.97, 0.99]) await ablate(`momentum ${m}`, { momentum: m }, bestMuon);
    for (const wd of [0.05, 0.1, 0.2]) await ablate(`wd ${wd}`, { adamwWeightDecay: wd }, bestMuon);
    for (const ns of [3, 5, 10]) await ablate(`ns ${ns}`, { nsSteps: ns }, bestMuon);
    for (const nes of [true, false]) await ablate(`nesterov ${nes ? 'on' : 'off'}`, { nesterov: nes }, bestMuon);
    for (const w of [0, 0.05, 0.1, 0.2]) await ablate(`warmup ${w}`, { warmupRatio: w }, bestMuon);
    for (const sch of ['cosine', 'linear', 'step', 'constant'] as const) await ablate(`schedule ${sch}`, { schedule: sch }, bestMuon);
    await ablate('constant lr', { schedule: 'constant', warmupRatio: 0 }, bestAdam);
    await ablate('cosine, no warmup', { schedule: 'cosine', warmupRatio: 0 }, bestAdam);
    await ablate('warmup 0.1', { warmupRatio: 0.1 }, bestAdam);
    await ablate('warmup 0.05', { warmupRatio: 0.05 }, bestAdam);
    await ablate('wd 0.05', { weightDecay: 0.05 }, bestAdam);
    await ablate('wd 0.2', { weightDecay: 0.2 }, bestAdam);
    await ablate('linear decay', { schedule: 'linear' }, bestAdam);
    if (o.only === 'ablations') return results;
  }

  // Phase 3: the best of each (ablations included) over seeds, both horizons.
  const long = results.filter((r) => r.horizon === 'long');
  const finalMuon = bestBy(long.filter((r) => r.optimizer.name === 'muon+adamw'), 1)[0]!.optimizer;
  const finalAdam = bestBy(long.filter((r) => r.optimizer.name !== 'muon+adamw'), 1)[0]!.optimizer;
  for (let seed = 0; seed < o.seeds; seed++) {
    for (const horizon of ['short', 'long'] as const) {
      await run(spec(o, 'final', 'best', horizon, finalMuon, 1000 + seed));
      await run(spec(o, 'final', 'best', horizon, finalAdam, 1000 + seed));
    }
  }
  return results;
}
