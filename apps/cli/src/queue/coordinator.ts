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
import { Job, Queue, QueueEvents } from 'bullmq';
import { truncate } from '@optimlab/optim';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { configKey } from '../config-key.js';
import { RunFailedError, type Runner } from '../runner.js';
import type { RunResult, RunSpec } from '../runs.js';
import { checkJob, checkReturn, jobIdOf, QUEUE_NAME, type DataSpec, type ModuleSpec, type RunJob } from './payload.js';
import { redisConnection } from './redis.js';
import { redact, type QueueAddress } from './url.js';

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
  /** The optimizer module the runs need: only its hash travels, and only a worker with the same file runs them. */
  readonly optimizerModule?: ModuleSpec;
}

/** How long finished or failed jobs stay in Redis when no coordinator collects them. */
const KEEP_SECONDS = 7 * 24 * 3600;
/** Attempts of a job whose run throws (a worker that dies is not an attempt: BullMQ's stalled-job check puts its run back). */
const ATTEMPTS = 3;

interface Tracked {
  readonly run: string;
  state: 'queued' | 'active' | 'finished' | 'failed';
  worker?: string;
  /** The worker that last had the run (kept when the run goes back to the queue). */
  lastWorker?: string;
  step?: number;
  steps: number;
}

interface Waiting {
  resolve(answer: unknown): void;
  reject(err: Error): void;
}

export async function queueRunner(o: QueueRunnerOptions): Promise<Runner> {
  const connections = [redisConnection(o.address), redisConnection(o.address)] as const;
  const queue = new Queue(QUEUE_NAME, { connection: connections[0] });
  const events = new QueueEvents(QUEUE_NAME, { connection: connections[1] });
  queue.on('error', (err) => say('warning', `queue connection: ${redact(err.message, o.address)}`));
  events.on('error', (err) => say('warning', `queue connection: ${redact(err.message, o.address)}`));
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const jobs = new Map<string, Tracked>();
  /** The runs waiting for their job to finish, by job id (settled by the events below, or by close()). */
  const waiting = new Map<string, Waiting>();
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
    if (o.json) console.log(JSON.stringify({ type: 'queue', event, message: truncate(text, 500), ...extra, counts: counts() }));
    else if (!o.quiet) process.stdout.write(`${tty ? '\r' : ''}[queue] ${text} (${counts()})${tty ? '\u001b[K\n' : '\n'}`);
    live();
  }

  events.on('progress', ({ jobId, data }) => {
    const j = jobs.get(jobId);
    const p = data as Partial<JobProgress>;
    if (!j || typeof p !== 'object' || typeof p.worker !== 'string') return;
    const started = j.state !== 'active' || j.worker !== p.worker;
    Object.assign(j, { state: 'active', worker: p.worker, lastWorker: p.worker, step: p.step });
    if (started) say('active', `${j.run} runs on ${p.worker}`, { id: j.run, worker: p.worker });
    else live();
  });
  events.on('completed', ({ jobId, returnvalue }) => {
    const j = jobs.get(jobId);
    if (j && j.state !== 'finished') Object.assign(j, { state: 'finished', step: j.steps });
    waiting.get(jobId)?.resolve(returnvalue);
  });
  // 'failed' comes only when no attempt is left (a retried attempt goes back to 'waiting').
  events.on('failed', ({ jobId, failedReason }) => waiting.get(jobId)?.reject(new Error(failedReason)));
  events.on('waiting', ({ jobId, prev }) => {
    const j = jobs.get(jobId);
    if (!j || prev !== 'active') return;
    Object.assign(j, { state: 'queued', worker: undefined, step: undefined });
    say('returned', `${j.run}: back in the queue from worker ${j.lastWorker ?? '?'}`, { id: j.run, worker: j.lastWorker });
  });
  events.on('stalled', ({ jobId }) => {
    const j = jobs.get(jobId);
    if (j) say('stalled', `${j.run}: worker ${j.lastWorker ?? '?'} stopped answering (its lock ran out); another worker will take the run`, { id: j.run, worker: j.lastWorker });
  });

  /** The job's answer: from the events, or at once when it finished before we listened (e.g. while no coordinator ran). */
  async function answerOf(jobId: string): Promise<unknown> {
    const answer = new Promise<unknown>((resolve, reject) => waiting.set(jobId, { resolve, reject }));
    try {
      const job = await Job.fromId(queue, jobId);
      const state = job ? await job.getState() : 'unknown';
      if (state === 'completed') return job!.returnvalue;
      if (state === 'failed') throw new Error(job!.failedReason);
      if (state === 'unknown') throw new Error('its job disappeared from the queue (removed by someone else?)');
      return await answer;
    } finally {
      waiting.delete(jobId);
    }
  }

  return {
    async run(spec: RunSpec, dir: string, { checkpoint = false, profileOptimizerSteps = 0 } = {}): Promise<RunResult> {
      const jobId = jobIdOf(o.scope, spec.train);
      const tracked: Tracked = { run: spec.id, state: 'queued', steps: spec.train.steps };
      jobs.set(jobId, tracked);
      const payload: RunJob = checkJob({ version: 1, scope: o.scope, spec, checkpoint, profileOptimizerSteps, data: o.data, ...(o.optimizerModule ? { optimizerModule: o.optimizerModule } : {}) }, o.optimizerModule?.hash); // what a worker will accept
      // An existing id is not added again: a restarted coordinator waits on the job it queued before.
      // A job that failed before this coordinator started is queued afresh.
      const before = await queue.getJobState(jobId);
      if (before === 'failed') await queue.remove(jobId);
      await queue.add('run', payload, {
        jobId,
        attempts: ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      });
      say('queued', `${spec.id} ${before === 'unknown' || before === 'failed' ? 'queued' : `was already in the queue (${before})`}`, { id: spec.id, before });
      let answer: unknown;
      try {
        answer = await answerOf(jobId);
      } catch (err) {
        tracked.state = 'failed';
        const worker = tracked.lastWorker;
        const message = `run ${spec.id} failed${worker ? ` on worker ${worker}` : ''}: ${redact((err as Error).message, o.address).replace(/\.$/, '')}`;
        say('failed', message, { id: spec.id, worker, reason: (err as Error).message });
        throw new RunFailedError(`${message}. Fix the cause and run the same command again: finished runs are kept.`);
      }
      const { result: made, log } = checkReturn(answer, spec.id);
      // The worker resolved the same config (checkJob); a result for another one is not this run's.
      if (made.configKey !== undefined && made.configKey !== configKey(spec.train)) throw new RunFailedError(`run ${spec.id}: the worker's result is for another configuration (key ${made.configKey.slice(0, 20)}, this run's ${configKey(spec.train)}); run the same command again.`);
      const result: RunResult = { ...made, id: spec.id, configKey: configKey(spec.train), phase: spec.phase, label: spec.label, horizon: spec.horizon };
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
    /** Stops waiting (runs still waiting fail; their jobs stay queued for the next coordinator) and closes the connections. */
    async close() {
      for (const w of waiting.values()) w.reject(new Error('the coordinator stopped before the run finished (its job stays in the queue)'));
      if (tty && !o.quiet) process.stdout.write('\n');
      await Promise.allSettled([queue.close(), events.close()]);
      for (const c of connections) c.disconnect();
    },
  };
}
