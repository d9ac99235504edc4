/**
 * Who makes the runs a study or sweep asks for. The local runner makes them in this process, one
 * at a time, in the order they were asked for; the queue runner (queue/coordinator.ts, loaded only
 * with --queue) hands them to workers. Callers may ask for many runs at once: a phase's
 * independent runs are asked for together, so that workers can take them in parallel.
 */
import type { Data } from './data.js';
import type { StudyProgress } from './progress.js';
import { executeRun, type RunEnvironment, type RunResult, type RunSpec } from './runs.js';

/** A run that could not be made (a queue job that failed for good): the command ends with exit code 1. */
export class RunFailedError extends Error {
  override name = 'RunFailedError';
}

export interface RunRequestOptions {
  /** Keep the run's checkpoint (in the run folder locally; on the worker's disk with a queue). */
  readonly checkpoint?: boolean;
  /** Optimizer steps to time with GPU timestamps. */
  readonly profileOptimizerSteps?: number;
}

export interface Runner {
  /** Makes the run and leaves config.json, log.jsonl and result.json in `dir`. */
  run(spec: RunSpec, dir: string, options?: RunRequestOptions): Promise<RunResult>;
  /**
   * Ends the runner: runs not yet finished are given up (their folders resume next time) and
   * connections are closed. Called after the last run, or when the study fails part-way.
   */
  close(): Promise<void>;
}

export interface LocalRunnerOptions {
  readonly data: Data;
  readonly progress: StudyProgress;
  readonly environment: RunEnvironment;
  /** How many runs are coming, when known (for the ETA). */
  readonly total?: number;
}

/** Runs in this process, one after the other in the order asked; after a failure, every later run fails with it. */
export function localRunner({ data, progress, environment, total = 0 }: LocalRunnerOptions): Runner {
  let chain: Promise<unknown> = Promise.resolve();
  let started = 0;
  const stop = new AbortController();
  return {
    run(spec, dir, { checkpoint = false, profileOptimizerSteps = 0 } = {}) {
      const next = chain.then(async () => {
        stop.signal.throwIfAborted();
        progress.onRunStart(++started, total, spec);
        const result = await executeRun(spec, dir, data, progress, { environment, checkpoint, profileOptimizerSteps, signal: stop.signal });
        progress.onRunEnd(result);
        return result;
      });
      chain = next;
      return next;
    },
    async close() {
      // The run in progress stops at its next step; queued ones never start.
      stop.abort(new RunFailedError('stopped: another part of the study failed'));
      await chain.catch(() => {});
    },
  };
}
