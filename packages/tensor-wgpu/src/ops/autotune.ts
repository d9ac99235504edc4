/**
 * Kernel autotuning per adapter. An op with several kernel rows (see variants.ts) asks
 * `pickTunedKernel` for the row to run. With no variant forced (setMatmulVariant,
 * OPTIMLAB_MATMUL_VARIANT), the row is the one cached for the problem's shape class on this
 * adapter, else the default row (`pickKernel` under the adapter's preferred variant), and the class
 * is noted as pending. `autotune()` (async: timing needs GPU completion, while ops are synchronous)
 * then times every candidate row of each pending class on scratch buffers of the first problem's
 * size and caches the fastest (the default row unless another beats it by more than a margin).
 * The trainer calls it after its first step, so the first step runs the defaults and every later
 * one the tuned rows.
 *
 * Candidates are the rows eligible for the problem whose variants this adapter has. They compute
 * the same sums in different orders, so a choice changes results only by float32 summation noise;
 * autotune.test.ts runs every candidate row against the float64 reference.
 *
 * The cache is one JSON object `{ version, adapters: { [adapterKey]: { [classKey]: choice } } }`
 * behind a `TuningStore`: in Node a file in the user's cache folder (node/tuning-file.ts, written
 * atomically), elsewhere memory. OPTIMLAB_AUTOTUNE chooses the mode: `on` (default: use the cache,
 * tune pending classes when `autotune()` runs), `cache` (use the cache, never time) or `off` (the
 * defaults only; the test suite runs so, unless a test says otherwise).
 * This file uses no Node built-ins.
 */
import { gpuSync, type Gpu } from '../device.js';
import { sync } from '../runtime.js';
import { availableVariants, pickKernel, preferredVariant, type KernelRow } from './variants.js';
import { memoryTuningStore, type TunedChoice, type TuningFile, type TuningStore } from './tuning-store.js';

export type { TunedChoice, TuningFile, TuningStore } from './tuning-store.js';
export { memoryTuningStore } from './tuning-store.js';

export type AutotuneMode = 'on' | 'cache' | 'off';

/** An op the tuner can time: its rows, its shape classes, and scratch problems of a given size. */
export interface Tunable<P> {
  readonly op: string;
  readonly rows: readonly KernelRow<P>[];
  /** The shape class: problems of one class share a choice. */
  readonly classKey: (problem: P) => string;
  /** For people: the sizes of the problem. */
  readonly describe: (problem: P) => string;
  /** A problem of the same sizes on fresh buffers (contents irrelevant), and how to free them. */
  readonly scratch: (problem: P) => { problem: P; dispose(): void };
  /** FLOPs of one dispatch, to size the timing reps. */
  readonly flops: (problem: P) => number;
}

let store: TuningStore = memoryTuningStore();
let loaded: TuningFile | undefined;
let modeOverride: AutotuneMode | undefined;
const pending = new Map<string, { tunable: Tunable<any>; problem: unknown }>();
const picks = new Map<string, number>();

/** Sets where the cache lives (node/tuning-file.ts registers the file); forgets what was loaded. */
export function setTuningStore(next: TuningStore): void {
  store = next;
  loaded = undefined;
  pending.clear();
}

export const tuningStore = (): TuningStore => store;

/** Sets the mode for this process (undefined: OPTIMLAB_AUTOTUNE again). */
export function setAutotuneMode(mode: AutotuneMode | undefined): void {
  modeOverride = mode;
  pending.clear();
}

export function autotuneMode(): AutotuneMode {
  if (modeOverride) return modeOverride;
  const env = typeof process === 'undefined' ? undefined : process.env['OPTIMLAB_AUTOTUNE'];
  if (env === undefined || env === '' || env === 'on' || env === '1') return 'on';
  if (env === 'off' || env === '0') return 'off';
  if (env === 'cache') return 'cache';
  throw new Error(`OPTIMLAB_AUTOTUNE="${env}": use on, cache or off.`);
}

/** The cache's key for an adapter: its description, then vendor, architecture, device and backend. */
export function adapterKey(gpu: Gpu): string {
  const { description, vendor, architecture, device, backend } = gpu.info;
  return `${description} [${[vendor, architecture, device, backend].join('/')}]`;
}

function cache(): TuningFile {
  loaded ??= store.read() ?? { version: 1, adapters: {} };
  return loaded;
}

/** The cached choices for this adapter, by op and shape class. */
export function tunedChoices(gpu: Gpu): Readonly<Record<string, TunedChoice>> {
  return cache().adapters[adapterKey(gpu)] ?? {};
}

/** How often each row was picked, as `op/row` (tests check which kernel ran). */
export function kernelPicks(): ReadonlyMap<string, number> {
  return picks;
}

const availableOn = (gpu: Gpu) => {
  const variants = availableVariants(gpu);
  return (row: KernelRow<unknown>): boolean => row.serves.some((v) => variants.includes(v));
};

/** The rows tuning may pick for `problem` on this adapter. */
export function tuningCandidates<P>(tunable: Tunable<P>, problem: P, gpu: Gpu = gpuSync()): KernelRow<P>[] {
  const ok = availableOn(gpu);
  return tunable.rows.filter((r) => ok(r as KernelRow<unknown>) && r.eligible(problem));
}

/**
 * The row to run for `problem` when no variant is forced: the cached choice of its class when that
 * row is still a candidate, else the default row. In mode `on` the class is noted for `autotune()`
 * when it has no choice, or when a candidate has no timing in it (a row added since).
 */
export function pickTunedKernel<P>(tunable: Tunable<P>, problem: P): KernelRow<P> {
  const gpu = gpuSync();
  const mode = autotuneMode();
  let row: KernelRow<P> | undefined;
  if (mode !== 'off') {
    const key = `${tunable.op}:${tunable.classKey(problem)}`;
    const choice = tunedChoices(gpu)[key];
    const candidates = tuningCandidates(tunable, problem, gpu);
    row = choice ? candidates.find((r) => r.name === choice.kernel) : undefined;
    // A choice made before a candidate existed (a row added since) is timed again.
    const untimed = choice !== undefined && candidates.some((r) => choice.ms[r.name] === undefined);
    if ((!row || untimed) && mode === 'on' && !pending.has(key)) pending.set(key, { tunable, problem });
  }
  row ??= pickKernel(tunable.op, tunable.rows, preferredVariant(gpu), problem);
  notePick(tunable.op, row.name);
  return row;
}

export function notePick(op: string, row: string): void {
  const name = `${op}/${row}`;
  picks.set(name, (picks.get(name) ?? 0) + 1);
}

/** Milliseconds per dispatch of `row`: `reps` dispatches in one submit, to GPU completion. */
async function timeRow<P>(row: KernelRow<P>, problem: P, reps: number): Promise<number> {
  await sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) row.dispatch(problem);
  await sync();
  return (performance.now() - t0) / reps;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface AutotuneOptions {
  /** Rounds over the candidates, alternating their order; the median counts (default 3). */
  readonly rounds?: number;
  /** Work per timing, in FLOPs (reps = this / the problem's FLOPs, 1..32; default 2e7). */
  readonly flopsPerTiming?: number;
  /** Another row replaces the default only when faster by more than this share, in two timings (default 0.1). */
  readonly margin?: number;
  /** Milliseconds per dispatch of a row (default: reps dispatches to GPU completion); tests inject timings. */
  readonly time?: (row: KernelRow<any>, problem: any, reps: number) => Promise<number>;
}

/**
 * Times the candidates of every pending shape class and caches the fastest; returns the classes
 * tuned. Cheap by design: one warm-up dispatch per candidate (it compiles the pipeline), then
 * `rounds` timings of a few reps each, the candidates' order rotating from round to round.
 */
export async function autotune({ rounds = 3, flopsPerTiming = 2e7, margin = 0.1, time = timeRow }: AutotuneOptions = {}): Promise<string[]> {
  if (autotuneMode() !== 'on' || pending.size === 0) return [];
  const gpu = gpuSync();
  const tuned: string[] = [];
  const entries = [...pending];
  pending.clear();
  for (const [key, { tunable, problem }] of entries) {
    const candidates = tuningCandidates(tunable, problem, gpu);
    if (candidates.length === 0) continue;
    const scratch = tunable.scratch(problem);
    try {
      const reps = Math.max(1, Math.min(32, Math.round(flopsPerTiming / Math.max(1, tunable.flops(problem)))));
      for (const row of candidates) await time(row, scratch.problem, 1); // compile and warm up
      const times = candidates.map((): number[] => []);
      for (let round = 0; round < rounds; round++) {
        for (let j = 0; j < candidates.length; j++) {
          const c = (j + round) % candidates.length;
          times[c]!.push(await time(candidates[c]!, scratch.problem, reps));
        }
      }
      const ms = Object.fromEntries(candidates.map((r, c) => [r.name, Number(median(times[c]!).toPrecision(4))]));
      // The default row stays unless another is clearly faster, twice: timings on a shared machine
      // swing, so a challenger is re-timed against the default in fresh alternating rounds.
      const fallbackRow = pickKernel(tunable.op, tunable.rows, preferredVariant(gpu), problem);
      const fastest = candidates.reduce((a, b) => (ms[b.name]! < ms[a.name]! ? b : a));
      let best = fallbackRow;
      if (fastest !== fallbackRow && (ms[fallbackRow.name] === undefined || ms[fallbackRow.name]! > (1 + margin) * ms[fastest.name]!)) {
        const pair = [fastest, fallbackRow].filter((r) => ms[r.name] !== undefined);
        const again = pair.map((): number[] => []);
        for (let round = 0; round < rounds; round++) {
          for (let j = 0; j < pair.length; j++) {
            const c = (j + round) % pair.length;
            again[c]!.push(await time(pair[c]!, scratch.problem, reps));
          }
        }
        if (pair.length === 1 || median(again[1]!) > (1 + margin) * median(again[0]!)) best = fastest;
      }
      record(gpu, key, { kernel: best.name, ms, timedOn: tunable.describe(problem), at: new Date().toISOString() });
      tuned.push(key);
    } finally {
      scratch.dispose();
    }
  }
  if (tuned.length) {
    try {
      store.write(cache());
    } catch (err) {
      // A read-only cache folder must not stop a run: the choices still hold for this process.
      console.warn(`kernel autotuner: could not write ${store.location} (${(err as Error).message}); the choices hold for this process only.`);
    }
  }
  return tuned;
}

function record(gpu: Gpu, key: string, choice: TunedChoice): void {
  // Re-read first: another process may have tuned other classes meanwhile.
  const fresh = store.read() ?? { version: 1 as const, adapters: {} };
  const adapter = adapterKey(gpu);
  const merged: TuningFile = {
    version: 1,
    adapters: { ...cache().adapters, ...fresh.adapters, [adapter]: { ...cache().adapters[adapter], ...fresh.adapters[adapter], [key]: choice } },
  };
  loaded = merged;
}

/** The pending shape classes (for tests and reports). */
export const pendingTuning = (): string[] => [...pending.keys()];
