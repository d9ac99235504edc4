/**
 * Fair tuning: one procedure that every contestant of a comparison goes through, at the horizon
 * where the comparison is decided (Wen et al. 2025 show that an under-tuned baseline alone makes
 * 2× "speedups").
 *
 * 1. Learning rate: a grid on the study's common log lattice, every point on every tuning seed,
 *    extended until the best seed-mean is bracketed.
 * 2. Seed noise: the pooled standard deviation over seeds at the best learning rate and its
 *    neighbours.
 * 3. Coordinate descent over the named knobs, one at a time, in order: each alternative runs on
 *    every tuning seed (seed-matched with the incumbent); the best alternative replaces the
 *    incumbent only when its mean beats it by more than the seed noise. A knob marked `ownLr`
 *    (the schedule) gives each alternative its own learning rate first: the incumbent's and one
 *    lattice step either side on the first seed, the best of those on the other seeds.
 *
 * The path (knob, values, means, kept or not) is recorded for the report. Every decision is a
 * function of results found in the folder, so a resumed study takes the same path.
 */
import type { RunResult } from '../runs.js';
import type { Horizon } from '../runs.js';
import type { StudyContext, SweepPoint, Tags } from './engine.js';
import { latticeIndex, latticeLr } from './engine.js';
import { score } from './select.js';

export interface Knob {
  /** What the report calls it: "schedule", "warmup", "momentum". */
  readonly name: string;
  readonly alternatives: readonly { readonly label: string; readonly change: Readonly<Record<string, unknown>> }[];
  /** Each alternative gets its own learning rate (the incumbent's and ±1 lattice step). */
  readonly ownLr?: boolean;
}

export interface Contestant {
  readonly key: string;
  readonly name: string;
  /** The optimizer config before tuning (registry name and knobs, no learning rate). */
  readonly base: Readonly<Record<string, unknown>>;
  /** Initial LR grid: points of the study's lattice. */
  readonly grid: readonly number[];
  /** Other learning rates scaled along with the main one (e.g. the AdamW group's lr/10). */
  readonly with?: (lr: number) => Readonly<Record<string, unknown>>;
  readonly knobs: readonly Knob[];
}

export interface TuningOptions {
  readonly horizon: Horizon;
  readonly seeds: readonly number[];
  readonly perDecade: number;
  readonly maxExtensions?: number;
}

export interface TriedValue {
  readonly label: string;
  readonly learningRate: number;
  /** Mean final loss over the tuning seeds (Infinity: a seed diverged). */
  readonly mean: number;
  /** Final loss per tuning seed, in the seeds' order (null: diverged). */
  readonly losses: readonly (number | null)[];
  /** For a value with its own LR: whether that LR's check bracketed its optimum (false: a bound). */
  readonly lrBracketed?: boolean;
}

export interface TuningStep {
  readonly knob: string;
  readonly incumbent: TriedValue;
  readonly tried: readonly TriedValue[];
  /** The alternative kept, or null when none beat the incumbent by more than the noise. */
  readonly kept: string | null;
  /** incumbent mean − best alternative's mean (positive: the alternative is better). */
  readonly improvement: number;
  readonly threshold: number;
}

export interface Tuning {
  readonly key: string;
  /** The tuned optimizer config (learning rate included). */
  readonly config: Record<string, unknown>;
  /** The final config's mean over the tuning seeds (the selection seeds: see the winner's curse). */
  readonly mean: number;
  /** Seed noise: pooled std of the final loss over the tuning seeds near the best learning rate. */
  readonly noise: number;
  readonly lrSweep: readonly { lr: number; mean: number }[];
  /** The tuning seeds, in the order of every `losses` of the path. */
  readonly seeds: readonly number[];
  readonly path: readonly TuningStep[];
}

const perSeed = (results: readonly RunResult[]): (number | null)[] => results.map((r) => (Number.isFinite(score(r)) ? score(r) : null));
const meanOf = (results: readonly RunResult[]): number => results.reduce((t, r) => t + score(r), 0) / Math.max(results.length, 1);

/** Pooled sample std over seeds of the finite points among `points` (each point: one value per seed). */
export function pooledStd(points: readonly (readonly number[])[]): number {
  let sum = 0;
  let df = 0;
  for (const xs of points) {
    if (xs.length < 2 || !xs.every(Number.isFinite)) continue;
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    sum += xs.reduce((a, x) => a + (x - m) ** 2, 0);
    df += xs.length - 1;
  }
  return df ? Math.sqrt(sum / df) : NaN;
}

/** The seed noise near the optimum: the best point of the sweep and its two neighbours. */
export function noiseNear(points: readonly SweepPoint[]): number {
  const i = points.reduce((b, p, j) => (p.mean < points[b]!.mean ? j : b), 0);
  return pooledStd(points.slice(Math.max(0, i - 1), i + 2).map((p) => p.results.map(score)));
}

export interface LrCheck {
  readonly center: number;
  readonly perDecade: number;
  readonly horizon: Horizon;
  readonly seed: number;
  readonly label: string;
  readonly config: (lr: number) => Record<string, unknown>;
  readonly tags: Tags;
  /** Lattice steps to go on past an edge that wins (default 2). */
  readonly maxExtensions?: number;
}

/**
 * A configuration's own learning rate, cheaply: `center` and one lattice step either side on one
 * seed, extended along the lattice while the best is at an edge. The caller runs the chosen one on
 * its other seeds.
 */
export async function bestLrNear(ctx: StudyContext, phase: string, c: LrCheck): Promise<{ lr: number; bracketed: boolean }> {
  const at = async (k: number) => ({ k, loss: score(await ctx.run(phase, { label: `${c.label}, lr ${latticeLr(k, c.perDecade)}`, horizon: c.horizon, optimizer: c.config(latticeLr(k, c.perDecade)), seed: c.seed, tags: c.tags })) });
  const k0 = latticeIndex(c.center, c.perDecade);
  const points = await Promise.all([k0 - 1, k0, k0 + 1].map(at));
  for (let i = 0; i < (c.maxExtensions ?? 2); i++) {
    const sorted = [...points].sort((a, b) => a.k - b.k);
    const best = sorted.reduce((a, b) => (b.loss < a.loss ? b : a));
    if (!Number.isFinite(best.loss) || (best !== sorted[0] && best !== sorted[sorted.length - 1])) break;
    points.push(await at(best === sorted[0] ? best.k - 1 : best.k + 1));
  }
  const best = points.reduce((a, b) => (b.loss < a.loss ? b : a));
  const ks = points.map((p) => p.k);
  // The center keeps its exact value (it may not be a lattice point after rounding elsewhere).
  return { lr: best.k === k0 ? c.center : latticeLr(best.k, c.perDecade), bracketed: best.k > Math.min(...ks) && best.k < Math.max(...ks) };
}

/**
 * Evens out tuning budgets: adds `points` learning rates around the tuned config's (one lattice step
 * out at a time, alternating up and down), each on every tuning seed. A point that beats the tuned
 * config by more than the noise replaces its learning rate. The step joins the path as "learning
 * rate (top-up)". The caller decides `points` from the budgets before any top-up, so that a resumed
 * study tops up the same points.
 */
export async function topUp(ctx: StudyContext, phase: string, c: Contestant, t: Tuning, o: TuningOptions & { points: number }): Promise<Tuning> {
  const lr = t.config['learningRate'] as number;
  const k0 = latticeIndex(lr, o.perDecade);
  const threshold = Number.isFinite(t.noise) ? t.noise : Infinity;
  const last = t.path.at(-1);
  // The tuned config's own per-seed losses: the last step's kept value, or its incumbent.
  const own = (last?.kept ? last.tried.find((v) => v.label === last.kept)?.losses : last?.incumbent.losses) ?? [];
  let best = { lr, mean: t.mean, losses: own };
  const tried: TriedValue[] = [];
  for (let i = 1; i <= o.points; i++) {
    const k = k0 + (i % 2 === 1 ? (i + 1) / 2 : -i / 2);
    const l = latticeLr(k, o.perDecade);
    const results = await Promise.all(o.seeds.map((seed) => ctx.run(phase, { label: `lr ${l} (top-up)`, horizon: o.horizon, optimizer: { ...t.config, learningRate: l, ...c.with?.(l) }, seed, tags: { group: c.key, tune: 'top-up' } })));
    const value = { label: `lr ${l}`, learningRate: l, mean: meanOf(results), losses: perSeed(results) };
    tried.push(value);
    if (t.mean - value.mean > threshold && value.mean < best.mean) best = { lr: l, mean: value.mean, losses: value.losses };
  }
  if (!tried.length) return t;
  const kept = best.lr !== lr ? `lr ${best.lr}` : null;
  const step: TuningStep = { knob: 'learning rate (top-up)', incumbent: { label: `lr ${lr}`, learningRate: lr, mean: t.mean, losses: own }, tried, kept, improvement: t.mean - Math.min(...tried.map((v) => v.mean)), threshold };
  const next: Tuning = { ...t, config: { ...t.config, learningRate: best.lr, ...c.with?.(best.lr) }, mean: best.mean, path: [...t.path, step] };
  await ctx.record(`tuning:${c.key}`, next);
  return next;
}

export async function tune(ctx: StudyContext, phase: string, c: Contestant, o: TuningOptions): Promise<Tuning> {
  const tags = (extra: Tags): Tags => ({ group: c.key, ...extra });
  const sweep = await ctx.lrSweep(phase, { name: c.key, base: c.base, grid: c.grid, horizon: o.horizon, seeds: o.seeds, perDecade: o.perDecade, maxExtensions: o.maxExtensions, tags: tags({ tune: 'lr' }), with: c.with });
  const best = sweep.reduce((a, b) => (b.mean < a.mean ? b : a));
  const noise = noiseNear(sweep);
  // Without a measured noise no change can be shown to beat it: nothing is kept.
  const threshold = Number.isFinite(noise) ? noise : Infinity;
  const withLr = (config: Readonly<Record<string, unknown>>, lr: number): Record<string, unknown> => ({ ...config, learningRate: lr, ...c.with?.(lr) });
  const runAll = (config: Record<string, unknown>, label: string, extra: Tags, seeds: readonly number[]): Promise<RunResult[]> =>
    Promise.all(seeds.map((seed) => ctx.run(phase, { label, horizon: o.horizon, optimizer: config, seed, tags: tags(extra) })));

  let incumbent: { config: Record<string, unknown>; label: string; mean: number; losses: readonly (number | null)[] } = { config: withLr(c.base, best.lr), label: `lr ${best.lr}`, mean: best.mean, losses: perSeed(best.results) };
  const path: TuningStep[] = [];
  for (const knob of c.knobs) {
    const lr = incumbent.config['learningRate'] as number;
    const tried = await Promise.all(
      knob.alternatives.map(async (alt): Promise<TriedValue & { config: Record<string, unknown> }> => {
        const changed = { ...incumbent.config, ...alt.change };
        let chosenLr = lr;
        let lrBracketed: boolean | undefined;
        if (knob.ownLr) ({ lr: chosenLr, bracketed: lrBracketed } = await bestLrNear(ctx, phase, { center: lr, perDecade: o.perDecade, horizon: o.horizon, seed: o.seeds[0]!, label: alt.label, config: (l) => withLr(changed, l), tags: tags({ tune: knob.name, alt: alt.label, lrCheck: true }), maxExtensions: 1 }));
        const config = withLr(changed, chosenLr);
        const results = await runAll(config, `${alt.label}${knob.ownLr ? `, lr ${chosenLr}` : ''}`, { tune: knob.name, alt: alt.label }, o.seeds);
        return { label: alt.label, learningRate: chosenLr, ...(lrBracketed !== undefined && { lrBracketed }), mean: meanOf(results), losses: perSeed(results), config };
      }),
    );
    const winner = tried.reduce((a, b) => (b.mean < a.mean ? b : a));
    const improvement = incumbent.mean - winner.mean;
    const keep = Number.isFinite(winner.mean) && improvement > threshold;
    path.push({
      knob: knob.name,
      incumbent: { label: incumbent.label, learningRate: lr, mean: incumbent.mean, losses: incumbent.losses },
      tried: tried.map(({ config: _, ...value }) => value),
      kept: keep ? winner.label : null,
      improvement,
      threshold,
    });
    if (keep) incumbent = { config: winner.config, label: winner.label, mean: winner.mean, losses: winner.losses };
  }
  const tuning: Tuning = { key: c.key, config: incumbent.config, mean: incumbent.mean, noise, seeds: o.seeds, lrSweep: sweep.map((p) => ({ lr: p.lr, mean: p.mean })), path };
  await ctx.record(`tuning:${c.key}`, tuning);
  return tuning;
}
