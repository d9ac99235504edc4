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
