/**
 * A study's raw data, kept beside its summary so that anyone can re-check a number without
 * re-running anything:
 * - `runs.csv`: one row per study entry (an entry is a run as one phase asked for it; entries with
 *   the same configuration share an id, i.e. one run), with its resolved knobs, seed, horizon,
 *   tokens, final validation loss, divergence, wall time and commit;
 * - `curves.csv`: one row per optimizer step of every run: train loss (cross-entropy, without the router's auxiliary loss), and the validation loss at
 *   the steps where it was evaluated.
 * The report is always rendered from these two files (readRawView), never from the run folders
 * directly, so `optimlab report` on a folder that holds only study.json and the CSVs gives the same
 * summary. Numbers are written with JavaScript's shortest round-trip form: reading them back gives
 * the same float64 values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { horizonSchema, parseResult, type RunResult } from '../runs.js';
import type { StudyView, Tags } from './engine.js';

export const RUNS_CSV = 'runs.csv';
export const CURVES_CSV = 'curves.csv';

const RUN_COLUMNS = [
  'id', 'phase', 'label', 'group', 'config_key', 'optimizer', 'learning_rate', 'knobs', 'seed', 'horizon', 'steps', 'tokens',
  'final_val_loss', 'best_val_loss', 'final_accuracy', 'diverged', 'diverged_step', 'diverged_reason', 'wall_seconds', 'optimizer_gpu_ms',
  'commit', 'adapter', 'worker', 'tags',
] as const;
const CURVE_COLUMNS = ['id', 'step', 'tokens', 'train_loss', 'val_loss', 'val_accuracy'] as const;

const num = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

/** The config key is the last part of a run folder's name (see the engine). */
const keyOf = (id: string): string => id.slice(id.lastIndexOf('-') + 1);

/** Train loss per step and validation accuracy per evaluation, from a run's log.jsonl (empty without one). */
function readLog(runDir: string): { train: Map<number, number>; accuracy: Map<number, number> } {
  const file = join(runDir, 'log.jsonl');
  const [train, accuracy] = [new Map<number, number>(), new Map<number, number>()];
  if (!existsSync(file)) return { train, accuracy };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let e: { type?: string; step?: number; loss?: number; ce?: number; accuracy?: number };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue; // a torn last line of an interrupted run: the finished runs' logs are whole
    }
    if (typeof e.step !== 'number') continue;
    if (e.type === 'step') train.set(e.step, e.ce ?? e.loss ?? NaN);
    if (e.type === 'eval' && typeof e.accuracy === 'number') accuracy.set(e.step, e.accuracy);
  }
  return { train, accuracy };
}

/** Writes runs.csv and curves.csv from a view built from the run folders (atomically). */
export async function writeRawData(dir: string, view: StudyView): Promise<void> {
  const rows = view.entries.map((e) => {
    const r = e.result;
    const { name, learningRate, ...knobs } = r.optimizer as Record<string, unknown> & { name: string; learningRate: number };
    const steps = typeof e.horizon === 'number' ? e.horizon : view.horizons[e.horizon];
    const group = e.tags['group'] ?? e.tags['contestant'] ?? name;
    return [
      e.run, e.phase, e.label, String(group), keyOf(e.run), name, num(learningRate), JSON.stringify(knobs), String(e.seed), String(e.horizon), String(steps), String(steps * view.tokensPerStep),
      num(r.finalLoss), num(r.bestLoss), num(r.finalAccuracy), r.status === 'diverged' ? 'true' : 'false', r.status === 'diverged' ? String(r.steps) : '', r.reason ?? '',
      num(r.seconds), num(r.optimizerGpuMs), r.environment.commit, r.environment.adapter, r.environment.worker ?? '', JSON.stringify(e.tags),
    ];
  });
  await writeAtomically(join(dir, RUNS_CSV), stringify([[...RUN_COLUMNS], ...rows]));
  const curves: string[][] = [];
  const seen = new Set<string>();
  for (const e of view.entries) {
    if (seen.has(e.run)) continue;
    seen.add(e.run);
    const { train, accuracy } = readLog(join(dir, 'runs', e.run));
    const val = new Map(e.result.curve.map(([s, v]) => [s, v] as const));
    const steps = [...new Set([...train.keys(), ...val.keys()])].sort((a, b) => a - b);
    for (const s of steps) curves.push([e.run, String(s), String(s * view.tokensPerStep), num(train.get(s)), num(val.get(s)), num(accuracy.get(s))]);
  }
  await writeAtomically(join(dir, CURVES_CSV), stringify([[...CURVE_COLUMNS], ...curves]));
}

const runRow = z.object(Object.fromEntries(RUN_COLUMNS.map((c) => [c, z.string()])) as Record<(typeof RUN_COLUMNS)[number], z.ZodString>);
const curveRow = z.object(Object.fromEntries(CURVE_COLUMNS.map((c) => [c, z.string()])) as Record<(typeof CURVE_COLUMNS)[number], z.ZodString>);

const optional = (v: string): number | null => (v === '' ? null : Number(v));

function readCsv<T>(file: string, schema: z.ZodType<T>): T[] {
  const records = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as unknown[];
  return records.map((r, i) => {
    const p = schema.safeParse(r);
    if (!p.success) throw new Error(`${file}: row ${i + 2} does not have the expected columns (${p.error.issues[0]?.path.join('.') ?? '?'}).`);
    return p.data;
  });
}

/** True when the folder has both raw-data files. */
export const hasRawData = (dir: string): boolean => existsSync(join(dir, RUNS_CSV)) && existsSync(join(dir, CURVES_CSV));

/**
 * The view the analyses see, from runs.csv and curves.csv alone. `base` gives the settings the
 * CSVs do not repeat (preset, seeds, horizons, grid extensions: study.json's).
 */
export function readRawView(dir: string, base: Omit<StudyView, 'entries'>): StudyView {
  const curveRows = readCsv(join(dir, CURVES_CSV), curveRow);
  const curves = new Map<string, [number, number][]>();
  for (const c of curveRows) {
    if (c.val_loss === '') continue;
    const list = curves.get(c.id) ?? [];
    list.push([Number(c.step), Number(c.val_loss)]);
    curves.set(c.id, list);
  }
  const entries = readCsv(join(dir, RUNS_CSV), runRow).map((row) => {
    const horizon = horizonSchema.parse(/^\d+$/.test(row.horizon) ? Number(row.horizon) : row.horizon);
    const diverged = row.diverged === 'true';
    const candidate = {
      id: row.id, phase: row.phase, label: row.label, horizon,
      optimizer: { name: row.optimizer, learningRate: Number(row.learning_rate), ...(JSON.parse(row.knobs) as Record<string, unknown>) },
      seed: Number(row.seed), status: diverged ? 'diverged' : 'finished', steps: diverged ? Number(row.diverged_step) : Number(row.steps),
      ...(row.diverged_reason ? { reason: row.diverged_reason } : {}),
      bestLoss: optional(row.best_val_loss), finalLoss: optional(row.final_val_loss), finalAccuracy: Number(row.final_accuracy),
      seconds: Number(row.wall_seconds), optimizerGpuMs: optional(row.optimizer_gpu_ms), curve: curves.get(row.id) ?? [], utilisation: [],
      environment: { commit: row.commit, adapter: row.adapter, ...(row.worker ? { worker: row.worker } : {}) },
    };
    const result: RunResult | undefined = parseResult(candidate);
    if (!result) throw new Error(`${join(dir, RUNS_CSV)}: the row of ${row.id} is not a run result.`);
    return { phase: row.phase, label: row.label, horizon, seed: Number(row.seed), tags: JSON.parse(row.tags) as Tags, run: row.id, result };
  });
  return { ...base, entries };
}
