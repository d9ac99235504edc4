/**
 * Timing with tinybench: each task's function awaits GPU completion (`sync()`), runs after warm-up
 * (pipeline compilation), and its inputs are allocated outside it. Reported: mean latency in ms.
 */
import { Bench } from 'tinybench';

export interface Row {
  readonly [column: string]: string | number;
}

export interface SuiteResult {
  readonly suite: string;
  readonly rows: Row[];
  /** Anything more the suite measured, written to the JSON as is (e.g. the train step's profiles). */
  readonly details?: unknown;
}

/** Mean ms per call of `fn` (GPU completion inside), after `warmup` calls. */
export async function timeIt(name: string, fn: () => Promise<void>, { iterations = 5, warmup = 1 } = {}): Promise<number> {
  const bench = new Bench({ time: 0, iterations, warmupIterations: warmup, warmupTime: 0, throws: true });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`benchmark ${name} did not complete (${result.state})`);
  return result.latency.mean;
}

/**
 * Median ms per call of `ours` and `theirs`, timed alternately (one of each per round, after one
 * warm-up call each) so both meet the same machine noise; on this shared 2-core machine, timing one
 * after the other swung their ratio by ±50% between runs. `ratio` is the median of the per-round
 * ratios theirs/ours.
 */
export async function timePaired(ours: () => Promise<void>, theirs: () => Promise<void>, rounds: number): Promise<{ ours: number; theirs: number; ratio: number }> {
  await ours();
  await theirs();
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await ours();
    const t1 = performance.now();
    await theirs();
    a.push(t1 - t0);
    b.push(performance.now() - t1);
  }
  return { ours: median(a), theirs: median(b), ratio: median(b.map((t, i) => t / a[i]!)) };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

export const gflops = (flop: number, ms: number): number => flop / ms / 1e6;

/** Prints rows as an aligned console table. */
export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cell = (v: string | number): string => (typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3)) : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? '').length)));
  console.log(columns.map((c, i) => c.padStart(widths[i]!)).join('  '));
  for (const r of rows) console.log(columns.map((c, i) => cell(r[c] ?? '').padStart(widths[i]!)).join('  '));
}
