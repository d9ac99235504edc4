/**
 * The coordinator's side of the queue: a Runner that hands each run to the workers as a BullMQ job
 * and writes what comes back (config.json, log.jsonl, result.json) into the run folder, exactly as
 * a local run would. Job ids are deterministic (the study folder's scope and the run's config key),
 * so a restarted coordinator finds the jobs it had queued instead of queueing them twice; a job
 * that finished while no coordinator was listening is collected from Redis. A live line shows how
 * many runs are queued, active and finished, and which worker runs what.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { RunFailedError, type Runner } from '../runner.js';
import type { RunResult, RunSpec } from '../runs.js';
import { checkReturn, jobIdOf, QUEUE_NAME, type DataSpec, type RunJob } from './payload.js';
import { redisConnection } from './redis.js';
import type { QueueAddress } from './url.js';

/** What a worker reports while it runs a job (job.updateProgress). */
export interface JobProgress {
  readonly worker: string;
  readonly step: number;
  readonly steps: number;
  readonly loss?: number;
}

export interface QueueRunnerOptions {
  readonly address: QueueAddress;
  /** Ties job ids to one study or sweep folder (see scopeOf). */
  readonly scope: string;
  readonly data: DataSpec;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** How long finished or failed jobs stay in Redis when no coordinator collects them. */
const KEEP_SECONDS = 7 * 24 * 3600;
/** Attempts of a job whose run throws (a worker that dies is not an attempt: BullMQ's stalled-job check puts its run back). */
const ATTEMPTS = 3;

interface Tracked {
  readonly run: string;
  state: 'queued' | 'active' | 'finished' | 'failed';
  worker?: string;
  step?: number;
  steps: number;
}

export async function queueRunner(o: QueueRunnerOptions): Promise<Runner> {
  const connections = [redisConnection(o.address), redisConnection(o.address)] as const;
  const queue = new Queue(QUEUE_NAME, { connection: connections[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: connections[1] });
  queue.on('error', (err) => say('warning', `queue connection: ${err.message}`));
  events.on('error', (err) => say('warning', `queue connection: ${err.message}`));
  queue.setMaxListeners(0); // every run waiting on its job listens for the queue closing
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const jobs = new Map<string, Tracked>();
  const tty = process.stdout.isTTY === true && !o.json;

  const counts = (): string => {
    const n = (s: Tracked['state']): number => [...jobs.values()].filter((j) => j.state === s).length;
    return `${n('queued')} queued · ${n('active')} active · ${n('finished')} finished${n('failed') ? ` · ${n('failed')} failed` : ''}`;
  };
  const live = (): void => {
    if (!tty || o.quiet) return;
    const active = [...jobs.values()].filter((j) => j.state === 'active').map((j) => `${j.worker ?? '?'}: ${j.run} ${j.step ?? 0}/${j.steps}`);
    process.stdout.write(`\r[queue] ${counts()}${active.length ? ` | ${active.join(' · ')}` : ''}\u001b[K`);
  };
  function say(event: string, text: string, extra: Record<string, unknown> = {}): void {
    if (o.json) console.log(JSON.stringify({ type: 'queue', event, ...extra, counts: counts() }));
    else if (!o.quiet) process.stdout.write(`${tty ? '\r' : ''}[queue] ${text} (${counts()})${tty ? '\u001b[K\n' : '\n'}`);
    live();
  }

  events.on('progress', ({ jobId, data }) => {
    const j = jobs.get(jobId);
    const p = data as Partial<JobProgress>;
    if (!j || typeof p !== 'object' || typeof p.worker !== 'string') return;
    const started = j.state !== 'active' || j.worker !== p.worker;
    Object.assign(j, { state: 'active', worker: p.worker, step: p.step });
    if (started) say('active', `${j.run} runs on ${p.worker}`, { id: j.run, worker: p.worker });
    else live();
  });
  events.on('completed', ({ jobId }) => {
    const j = jobs.get(jobId);
    if (j && j.state !== 'finished') Object.assign(j, { state: 'finished', step: j.steps });
  });
  events.on('stalled', ({ jobId }) => {
    const j = jobs.get(jobId);
    if (!j) return;
    const worker = j.worker;
    Object.assign(j, { state: 'queued', worker: undefined, step: undefined });
    say('stalled', `${j.run}: worker ${worker ?? '?'} stopped answering; the run is back in the queue`, { id: j.run, worker });
  });
  events.on('waiting', ({ jobId, prev }) => {
    const j = jobs.get(jobId);
    if (!j || prev !== 'active') return;
    const worker = j.worker;
    Object.assign(j, { state: 'queued', worker: undefined, step: undefined });
    say('returned', `${j.run}: back in the queue (worker ${worker ?? '?'} stopped or the attempt failed)`, { id: j.run, worker });
  });

  return {
    async run(spec: RunSpec, dir: string, { checkpoint = false, profileOptimizerSteps = 0 } = {}): Promise<RunResult> {
      const jobId = jobIdOf(o.scope, spec.train);
      const tracked: Tracked = { run: spec.id, state: 'queued', steps: spec.train.steps };
      jobs.set(jobId, tracked);
      const payload: RunJob = { version: 1, scope: o.scope, spec, checkpoint, profileOptimizerSteps, data: o.data };
      // An existing id is not added again: a restarted coordinator waits on the job it queued before.
      const before = await queue.getJobState(jobId);
      const job = await queue.add('run', payload, {
        jobId,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      });
      if (before === 'failed') await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }); // failed before this coordinator started: try again
      say('queued', `${spec.id} ${before === 'unknown' ? 'queued' : `was already in the queue (${before})`}`, { id: spec.id, before });
      let answer: unknown;
      try {
        answer = await job.waitUntilFinished(events);
      } catch (err) {
        tracked.state = 'failed';
        const message = `run ${spec.id} failed${tracked.worker ? ` on worker ${tracked.worker}` : ''}: ${(err as Error).message.replace(/\.$/, '')}`;
        say('failed', message, { id: spec.id, worker: tracked.worker, reason: (err as Error).message });
        throw new RunFailedError(`${message}. Fix the cause and run the same command again: finished runs are kept.`);
      }
      const { result: made, log } = checkReturn(answer, spec.id);
      const result: RunResult = { ...made, id: spec.id, phase: spec.phase, label: spec.label, horizon: spec.horizon };
      mkdirSync(dir, { recursive: true });
      await writeAtomically(join(dir, 'config.json'), JSON.stringify(spec.train, null, 2));
      await writeAtomically(join(dir, 'log.jsonl'), log);
      await writeAtomically(join(dir, 'result.json'), JSON.stringify(result, null, 2));
      await queue.remove(jobId).catch(() => 0); // collected: a later request for this config runs it again
      tracked.state = 'finished'; // (already, when the 'completed' event came first)
      say('finished', `${spec.id}: ${result.status} on ${result.environment.worker ?? '?'}, best val loss ${result.bestLoss?.toFixed(4) ?? '—'} in ${result.seconds.toFixed(1)} s`, {
        id: spec.id, worker: result.environment.worker, status: result.status, bestLoss: result.bestLoss, seconds: result.seconds,
      });
      return result;
    },
    async close() {
      if (tty && !o.quiet) process.stdout.write('\n');
      await Promise.allSettled([queue.close(), events.close()]);
      for (const c of connections) c.disconnect();
    },
  };
}
