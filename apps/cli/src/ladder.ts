/**
 * `optimlab ladder`: the optimizer-genealogy speedrun (shared/reference/optimizers.md §5). A
 * teacher–student MLP (dims 16-64-64-64-32-8, tanh, no biases; teacher init scale 1.2, student 1.0),
 * 2048 inputs, minibatches of 128; every optimizer at each LR of its 5-point grid under one schedule
 * (10% warmup, constant, cosine cooldown over the last 20%); full-data loss relative to the start,
 * race to 0.03. Leaderboard: steps to target and speedup vs AdamW. Deviations from the ladder's
 * numpy script: EMA momentum in Muon (equal after NS up to eps), Muon's shape scale √max(1, r/c),
 * Shampoo's roots refreshed every 10 steps, MuonH's radius ‖W₀‖ of the student.
 */
import { join } from 'node:path';
import {
  backward, gatherRows, matmul, mulScalar, randNormal, requireGrad, scope, scopeAsync, square, sub, sumAll, sync, tanh, tensor, type Tensor,
} from '@optimlab/tensor-wgpu';
import { adam, adamw, createOptimizer, lion, momentum, muon, muonH, sgd, shampoo, signSgd, type GradientTransformation, type Schedule } from '@optimlab/optim';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { lineChart } from './svg.js';

const DIMS = [16, 64, 64, 64, 32, 8];
const TARGET = 0.03;

export const LADDER: Record<string, { grid: number[]; make: (lr: Schedule) => GradientTransformation<any> }> = {
  sgd: { grid: [3e-2, 1e-1, 3e-1, 1, 3], make: (lr) => sgd({ learningRate: lr }) },
  momentum: { grid: [1e-2, 3e-2, 1e-1, 3e-1, 1], make: (lr) => momentum({ learningRate: lr, momentum: 0.9 }) },
  adam: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], make: (lr) => adam({ learningRate: lr }) },
  adamw: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], make: (lr) => adamw({ learningRate: lr, weightDecay: 0 }) },
  signsgd: { grid: [3e-4, 1e-3, 3e-3, 1e-2, 3e-2], make: (lr) => signSgd({ learningRate: lr }) },
  lion: { grid: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2], make: (lr) => lion({ learningRate: lr }) },
  muon: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], make: (lr) => muon({ learningRate: lr, momentum: 0.9, nesterov: false }) },
  shampoo: { grid: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1], make: (lr) => shampoo({ learningRate: lr, updateEvery: 10 }) },
  muonh: { grid: [3e-3, 1e-2, 3e-2, 1e-1, 3e-1], make: (lr) => muonH({ learningRate: lr }) },
};

export function ladderSchedule(lr: number, total: number): Schedule {
  return (t) => {
    const fr = t / total;
    if (fr < 0.1) return (lr * fr) / 0.1;
    if (fr < 0.8) return lr;
    return lr * 0.5 * (1 + Math.cos((Math.PI * (fr - 0.8)) / 0.2));
  };
}

function initNet(seed: number, scale: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (let i = 0; i + 1 < DIMS.length; i++) {
    out[`w${i}`] = randNormal([DIMS[i + 1]!, DIMS[i]!], { seed, stream: i, std: scale / Math.sqrt(DIMS[i]!) }).keep(); // (out, in)
  }
  return out;
}

function net(w: Readonly<Record<string, Tensor>>, x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i + 1 < DIMS.length; i++) {
    h = matmul(h, w[`w${i}`]!, { transB: true });
    if (i + 2 < DIMS.length) h = tanh(h);
  }
  return h;
}

const mse = (pred: Tensor, y: Tensor): Tensor => mulScalar(sumAll(square(sub(pred, y))), 0.5 / pred.shape[0]!);

export interface LadderRun {
  readonly optimizer: string;
  readonly lr: number;
  /** [step, full-data loss / initial loss] */
  readonly curve: [number, number][];
  readonly finalRelative: number;
  readonly stepsToTarget: number | null;
}

function stepsTo(curve: readonly [number, number][]): number | null {
  for (let i = 1; i < curve.length; i++) {
    const [s0, v0] = curve[i - 1]!;
    const [s1, v1] = curve[i]!;
    if (v1 <= TARGET && v0 > TARGET) return s0 + ((v0 - TARGET) / (v0 - v1)) * (s1 - s0);
    if (i === 1 && v0 <= TARGET) return s0;
  }
  return null;
}

export async function runLadder({ steps, names, onRun }: { steps: number; names: string[]; onRun?: (r: LadderRun) => void }): Promise<LadderRun[]> {
  const teacher = initNet(0, 1.2);
  const x = randNormal([2048, DIMS[0]!], { seed: 1 }).keep();
  const y = scope(() => net(teacher, x).keep());
  const checkpoints = [...new Set(Array.from({ length: 40 }, (_, i) => Math.round(Math.exp((Math.log(steps) * i) / 39))))].filter((s) => s <= steps);
  const runs: LadderRun[] = [];
  let batchSeed = 7;
  const rand = (): number => {
    batchSeed = (batchSeed * 1664525 + 1013904223) >>> 0;
    return batchSeed / 4294967296;
  };
  for (const name of names) {
    const entry = LADDER[name];
    if (!entry) throw new Error(`Unknown ladder optimizer "${name}".`);
    for (const lr of entry.grid) {
      const params = initNet(2, 1.0);
      for (const p of Object.values(params)) requireGrad(p);
      const opt = createOptimizer(entry.make(ladderSchedule(lr, steps)), params);
      const initial = await scopeAsync(async () => mse(net(params, x), y).item());
      const readings: Promise<[number, number]>[] = [];
      for (let t = 1; t <= steps; t++) {
        scope(() => {
          const idx = tensor(Array.from({ length: 128 }, () => Math.floor(rand() * 2048)), [128], 'i32');
          const loss = mse(net(params, gatherRows(x, idx)), gatherRows(y, idx));
          backward(loss);
          opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss });
          for (const p of Object.values(params)) {
            p.grad!.dispose();
            p.grad = undefined;
          }
          if (checkpoints.includes(t)) {
            const full = mse(net(params, x), y).keep();
            readings.push(full.item().then((v) => (full.dispose(), [t, v / initial] as [number, number])));
          }
        });
        if (t % 200 === 0) await sync(); // let Dawn retire finished work
      }
      const curve = (await Promise.all(readings)).map(([s, v]) => [s, Number.isFinite(v) ? v : Infinity] as [number, number]);
      const run: LadderRun = { optimizer: name, lr, curve, finalRelative: curve[curve.length - 1]?.[1] ?? Infinity, stepsToTarget: stepsTo(curve) };
      runs.push(run);
      onRun?.(run);
      for (const p of Object.values(params)) p.dispose();
    }
  }
  return runs;
}

/** Best LR per optimizer (lowest mean of its last 5 readings), leaderboard and race plot. */
export async function writeLadder(dir: string, runs: readonly LadderRun[], steps: number): Promise<string> {
  const tail = (r: LadderRun): number => {
    const last = r.curve.slice(-5).map(([, v]) => v);
    return last.reduce((a, b) => a + b, 0) / Math.max(last.length, 1);
  };
  const best = new Map<string, LadderRun>();
  for (const r of runs) if (!best.has(r.optimizer) || tail(r) < tail(best.get(r.optimizer)!)) best.set(r.optimizer, r);
  const adamwSteps = best.get('adamw')?.stepsToTarget ?? null;
  const board = [...best.values()].sort((a, b) => (a.stepsToTarget ?? Infinity) - (b.stepsToTarget ?? Infinity) || tail(a) - tail(b));
  const md = [
    `# Optimizer ladder: teacher–student MLP, ${steps} steps, race to relative loss ${TARGET}`,
    '',
    '| Rank | Optimizer | Best LR | Final rel. loss | Steps to target | Speedup vs AdamW |',
    '|---|---|---|---|---|---|',
    ...board.map((r, i) => `| ${i + 1} | ${r.optimizer} | ${r.lr} | ${Number.isFinite(r.finalRelative) ? r.finalRelative.toExponential(2) : 'diverged'} | ${r.stepsToTarget === null ? 'not reached' : r.stepsToTarget.toFixed(0)} | ${r.stepsToTarget && adamwSteps ? `${(adamwSteps / r.stepsToTarget).toFixed(2)}×` : '—'} |`),
    '',
  ].join('\n');
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'];
  const svg = lineChart(`Ladder race: relative full-data loss (log10), best LR each`, board.map((r, i) => ({ name: r.optimizer, color: colors[i % colors.length]!, points: r.curve.filter(([, v]) => v > 0 && Number.isFinite(v)).map(([s, v]) => [s, Math.log10(v)] as [number, number]) })), { logX: true, xLabel: 'step', yLabel: 'log10 relative loss' });
  await writeAtomically(join(dir, 'ladder.md'), md);
  await writeAtomically(join(dir, 'ladder.svg'), svg);
  await writeAtomically(join(dir, 'ladder.json'), JSON.stringify({ meta: { steps, dims: DIMS, target: TARGET }, runs }, null, 2));
  return md;
}
