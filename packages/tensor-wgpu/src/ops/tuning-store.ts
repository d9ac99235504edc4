/**
 * The autotuner's cache as data: one choice per shape class per adapter, and the store it lives
 * in (a file in Node, see node/tuning-file.ts; memory elsewhere). See autotune.ts.
 */

/** The cached choice for one shape class. */
export interface TunedChoice {
  /** The row's name in its op's table. */
  readonly kernel: string;
  /** Median milliseconds per dispatch of every candidate, as measured. */
  readonly ms: Readonly<Record<string, number>>;
  /** The problem it was timed on, e.g. `M=64 N=256 K=64 batch=4`. */
  readonly timedOn: string;
  /** ISO date of the measurement. */
  readonly at: string;
}

export interface TuningFile {
  readonly version: 1;
  readonly adapters: Record<string, Record<string, TunedChoice>>;
}

/** Where the cache lives: read once per process (and after `setTuningStore`), written after each tuning. */
export interface TuningStore {
  /** Where it is, for people (a file path, or `memory`). */
  readonly location: string;
  read(): TuningFile | undefined;
  write(file: TuningFile): void;
}

/** A store in memory (browsers, tests). */
export function memoryTuningStore(initial?: TuningFile): TuningStore {
  let file = initial;
  return { location: 'memory', read: () => file, write: (next) => void (file = next) };
}
