/**
 * `optimlab sweep`: a grid over any optimizer knobs (the reproduce phases are sweeps of this kind).
 * `--grid "lr=0.02,0.05 momentum=0.9,0.95"` runs every combination as its own resumable run and
 * writes sweep.md (knobs | Best Loss | Final Loss | Final Acc | Time).
 */
import { join } from 'node:path';
import type { OptimizerConfig, TrainConfig } from '@optimlab/moe-model/node';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError } from './args.js';
import type { Data } from './data.js';
import { executeRun, type RunProgress, type RunResult, type RunSpec } from './runs.js';

const KNOBS: Record<string, (o: OptimizerConfig, v: string) => OptimizerConfig> = {
  lr: (o, v) => ({ ...o, learningRate: Number(v) }),
  adamwLr: (o, v) => ({ ...o, adamwLearningRate: Number(v) }),
  momentum: (o, v) => ({ ...o, momentum: Number(v) }),
  nesterov: (o, v) => ({ ...o, nesterov: v === 'true' || v === 'on' }),
  nsSteps: (o, v) => ({ ...o, nsSteps: Number(v) }),
  weightDecay: (o, v) => ({ ...o, weightDecay: Number(v) }),
  schedule: (o, v) => ({ ...o, schedule: v as OptimizerConfig['schedule'] }),
  warmupRatio: (o, v) => ({ ...o, warmupRatio: Number(v) }),
  minLrRatio: (o, v) => ({ ...o, minLrRatio: Number(v) }),
};

/** Parses "k=v1,v2 k2=v3" into the list of combinations (each a list of [knob, value]). */
export function parseGrid(grid: string): [string, string][][] {
  const axes = grid.trim().split(/\s+/).map((part) => {
    const [knob, values] = part.split('=', 2) as [string, string | undefined];
    if (!KNOBS[knob] || !values) throw new UsageError(`optimlab sweep: --grid entries are knob=v1,v2 with knob one of ${Object.keys(KNOBS).join(', ')}; got "${part}".`);
    const vs = values.split(',').filter(Boolean);
    for (const v of vs) {
      if (!['schedule', 'nesterov'].includes(knob) && !(Number.isFinite(Number(v)) && Number(v) >= 0)) throw new UsageError(`optimlab sweep: ${knob}=${v} is not a non-negative number.`);
      if (knob === 'lr' && !(Number(v) > 0)) throw new UsageError(`optimlab sweep: lr=${v} must be positive.`);
      if (knob === 'schedule' && !['cosine', 'linear', 'step', 'constant'].includes(v)) throw new UsageError(`optimlab sweep: schedule=${v} is not one of cosine, linear, step, constant.`);
    }
    return vs.map((v) => [knob, v] as [string, string]);
  });
  return axes.reduce<[string, string][][]>((combos, axis) => combos.flatMap((c) => axis.map((a) => [...c, a])), [[]]);
}

export async function runSweep(base: TrainConfig, grid: string, dir: string, data: Data, progress: RunProgress & { onRunStart(i: number, n: number, s: RunSpec): void; onRunEnd(r: RunResult): void }): Promise<RunResult[]> {
  const combos = parseGrid(grid);
  const results: RunResult[] = [];
  for (const [i, combo] of combos.entries()) {
    const optimizer = combo.reduce((o, [k, v]) => KNOBS[k]!(o, v), base.optimizer);
    const label = combo.map(([k, v]) => `${k} ${v}`).join(', ');
    const spec: RunSpec = { id: `${optimizer.name}-${label}`.replace(/[^a-zA-Z0-9.-]+/g, '_'), phase: 'sweep', label, horizon: 'long', train: { ...base, optimizer } };
    progress.onRunStart(i + 1, combos.length, spec);
    const r = await executeRun(spec, join(dir, 'runs'), data, progress);
    progress.onRunEnd(r);
    results.push(r);
  }
  const f4 = (v: number | null): string => (v === null ? 'diverged' : v.toFixed(4));
  const md = [
    `# Sweep: ${base.optimizer.name}, ${base.steps} steps, grid \`${grid}\``,
    '',
    '| Knobs | Best Loss | Final Loss | Final Acc | Time |',
    '|---|---|---|---|---|',
    ...results.map((r) => `| ${r.label} | ${f4(r.bestLoss)} | ${f4(r.finalLoss)} | ${r.finalAccuracy.toFixed(4)} | ${r.seconds.toFixed(1)} s |`),
    '',
  ].join('\n');
  await writeAtomically(join(dir, 'sweep.md'), md);
  return results;
}
