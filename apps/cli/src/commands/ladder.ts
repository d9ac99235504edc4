/**
 * `optimlab ladder`: the optimizer-genealogy race (@optimlab/optim/ladder) with its files: each
 * finished run lands in runs/<optimizer>-lr<lr>.json as it ends (so a crash or Ctrl-C loses at
 * most the run in progress, and re-running resumes), then ladder.md (leaderboard), ladder.svg (race
 * plot, log loss on a log step axis with the target line), ladder.json, and the raw runs as
 * ladder-runs.csv (one row per run) and ladder-curves.csv (one row per reading).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { LADDER, LADDER_DIMS, LADDER_STEPS, LADDER_TARGET, ladderData, leaderboard, reviveRun, runLadderOne, type LadderRun } from '@optimlab/optim/ladder';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { checkOutputFolder, OUTPUT_FLAGS, readJson, resolvePath, startGpu } from '../context.js';
import { lineChart } from '../svg.js';

export const ladderCommand: CommandSpec = {
  name: 'ladder',
  summary: 'the optimizer-genealogy race on a teacher–student MLP: leaderboard and race plot',
  flags: {
    steps: { kind: 'int', help: `steps per run (default ${LADDER_STEPS.software} on a software adapter, ${LADDER_STEPS.gpu} on a GPU)`, min: 10, max: 1_000_000 },
    optimizers: { kind: 'list', help: `which contestants (default all: ${Object.keys(LADDER).join(', ')})`, choices: Object.keys(LADDER) },
    out: { kind: 'string', help: 'output folder (default runs/<date>_ladder-<steps>)', value: 'DIR' },
    ...OUTPUT_FLAGS,
  },
};

const runFile = (dir: string, name: string, lr: number): string => join(dir, 'runs', `${name}-lr${lr}.json`);

/** Runs what is not in `dir` yet (each written as it finishes) and returns every run. */
export async function runLadder(dir: string, { steps, names, onRun }: { steps: number; names: readonly string[]; onRun?: (r: LadderRun, cached: boolean) => void }): Promise<LadderRun[]> {
  mkdirSync(join(dir, 'runs'), { recursive: true });
  const data = ladderData();
  const runs: LadderRun[] = [];
  try {
    for (const name of names) {
      for (const lr of LADDER[name]!.grid) {
        const file = runFile(dir, name, lr);
        const saved = existsSync(file) ? reviveRun(readJson(file, 'The ladder run') as LadderRun) : undefined;
        if (saved && saved.steps === steps) {
          runs.push(saved);
          onRun?.(saved, true);
          continue;
        }
        const run = await runLadderOne(data, name, lr, steps);
        await writeAtomically(file, JSON.stringify(run));
        runs.push(run);
        onRun?.(run, false);
      }
    }
  } finally {
    data.dispose();
  }
  return runs;
}

/** Leaderboard (best LR per optimizer by final relative loss), race plot and JSON. */
export async function writeLadder(dir: string, runs: readonly LadderRun[], steps: number): Promise<string> {
  const board = leaderboard(runs);
  const adamwSteps = board.find((r) => r.optimizer === 'adamw')?.stepsToTarget ?? null;
  const md = [
    `# Optimizer ladder: teacher–student MLP, ${steps} steps, race to relative loss ${LADDER_TARGET}`,
    '',
    'Each optimizer at its best learning rate of a 5-point grid (lowest full-data loss at the last step, relative to the start); ranked by steps to the target, then by that final loss.',
    '',
    '| Rank | Optimizer | Best LR | Final rel. loss | Steps to target | Speedup vs AdamW |',
    '|---|---|---|---|---|---|',
    ...board.map((r, i) => `| ${i + 1} | ${r.optimizer} | ${r.lr} | ${Number.isFinite(r.finalRelative) ? r.finalRelative.toExponential(2) : 'diverged'} | ${r.stepsToTarget === null ? 'not reached' : r.stepsToTarget.toFixed(0)} | ${r.stepsToTarget && adamwSteps ? `${(adamwSteps / r.stepsToTarget).toFixed(2)}×` : '—'} |`),
    '',
  ].join('\n');
  // Twenty distinguishable colours (matplotlib's tab20), one per contestant.
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];
  const series = board.map((r, i) => ({ name: `${r.optimizer} (lr ${r.lr})`, color: colors[i % colors.length]!, points: r.curve.filter(([, v]) => v > 0 && Number.isFinite(v)) }));
  const svg = lineChart('Ladder race: full-data loss relative to the start, best LR each', series, { logX: true, logY: true, xLabel: 'step', yLabel: 'relative loss', hLine: { y: LADDER_TARGET, label: `target ${LADDER_TARGET}` } });
  await writeAtomically(join(dir, 'ladder.md'), md);
  await writeAtomically(join(dir, 'ladder.svg'), svg);
  await writeAtomically(join(dir, 'ladder.json'), JSON.stringify({ meta: { steps, dims: LADDER_DIMS, target: LADDER_TARGET }, runs }, null, 2));
  // The raw runs beside the result: every run's summary, and every reading of every curve.
  const finite = (v: number): number | string => (Number.isFinite(v) ? v : 'inf');
  await writeAtomically(join(dir, 'ladder-runs.csv'), stringify(runs.map((r) => ({ optimizer: r.optimizer, lr: r.lr, steps: r.steps, final_relative: finite(r.finalRelative), steps_to_target: r.stepsToTarget ?? '' })), { header: true }));
  await writeAtomically(join(dir, 'ladder-curves.csv'), stringify(runs.flatMap((r) => r.curve.map(([step, v]) => ({ optimizer: r.optimizer, lr: r.lr, step, relative: finite(v) }))), { header: true }));
  return md;
}

export async function runLadderCommand({ flags }: Parsed): Promise<void> {
  const names = (flags['optimizers'] as string[] | undefined) ?? Object.keys(LADDER);
  if (new Set(names).size !== names.length) throw new UsageError('optimlab ladder: --optimizers names an optimizer twice.');
  const out = flags['out'] === undefined ? undefined : resolvePath(flags['out'] as string);
  if (out) checkOutputFolder(out, '--out', 'runs');
  const { gpu } = await startGpu();
  const steps = (flags['steps'] as number | undefined) ?? (gpu.info.isSoftware ? LADDER_STEPS.software : LADDER_STEPS.gpu);
  const dir = out ?? resolvePath(join('runs', `${new Date().toISOString().slice(0, 10)}_ladder-${steps}`));
  const quiet = Boolean(flags['quiet']);
  const json = Boolean(flags['json']);
  const runs = await runLadder(dir, {
    steps,
    names,
    onRun: (r, cached) => {
      if (json) console.log(JSON.stringify({ type: 'ladder-run', ...r, cached, curve: undefined }));
      else if (!quiet) console.log(`${r.optimizer} lr ${r.lr}: final rel. loss ${r.finalRelative.toExponential(2)}, steps to ${LADDER_TARGET} ${r.stepsToTarget?.toFixed(0) ?? '—'}${cached ? ' (saved)' : ''}`);
    },
  });
  const md = await writeLadder(dir, runs, steps);
  if (json) console.log(JSON.stringify({ type: 'done', folder: dir }));
  else if (!quiet) console.log(`\n${md}\nladder: ${join(dir, 'ladder.md')}`);
}
