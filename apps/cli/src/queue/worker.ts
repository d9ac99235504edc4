/**
 * `optimlab worker`: takes runs from the queue one at a time and makes them on this machine's GPU.
 * Each job is validated before anything runs (payload.ts). Data is prepared here, once per
 * setting, from this worker's own corpus and tokenizer, and must hash the same as the
 * coordinator's. Run folders (and checkpoints, which stay here) live under
 * <out>/<study scope>/<run id>, one scope per coordinator folder (its hash); the result and log
 * go back to the coordinator. SIGTERM or SIGINT stops the run between two steps and puts it back
 * in the queue for another worker.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { truncate } from '@optimlab/optim';
import { cacheDir, environmentOf, signalHandler, startGpu } from '../context.js';
import { prepareData, type Data } from '../data.js';
import { executeRun, type RunProgress } from '../runs.js';
import type { JobProgress } from './coordinator.js';
import { checkJob, QUEUE_NAME, type DataSpec, type JobReturn, type RunJob } from './payload.js';
import { reachRedis, redisConnection } from './redis.js';
import { redact, type QueueAddress } from './url.js';

export interface WorkerOptions {
  readonly address: QueueAddress;
  readonly name: string;
  /** Run folders and checkpoints. */
  readonly out: string;
  /** This worker's corpus (a path) and tokenizer ('bpe', 'gpt2' or a path), when not the built-in ones. */
  readonly corpus?: string;
  readonly tokenizer?: string;
  /** How long a silent worker keeps its run before another worker may take it (seconds). */
  readonly lockSeconds: number;
  readonly json: boolean;
  readonly quiet: boolean;
  /** The optimizer module this worker loaded (--optimizer-module): jobs that need it must name its hash. */
  readonly optimizerModule?: { readonly hash: string; readonly path: string };
}

/** Characters of a failure reason kept (it is stored in Redis with the job and shown by the coordinator). */
const MAX_REASON = 500;

class Stopping extends Error {
  override name = 'Stopping';
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  await reachRedis(o.address, 'worker');
  const { gpu } = await startGpu();
  const environment = { ...environmentOf(gpu), worker: o.name };
  const say = (event: string, text: string, extra: Record<string, unknown> = {}): void => {
    if (o.json) console.log(JSON.stringify({ type: 'worker', event, worker: o.name, message: text, ...extra }));
    else if (!o.quiet) console.log(`[${o.name}] ${text}`);
  };
  const datasets = new Map<string, Promise<Data>>();
  const dataKey = (spec: DataSpec): string => `${o.corpus ?? ''}|${o.tokenizer ?? spec.tokenizer}|${spec.vocabSize}|${spec.seqLen}`;
  const isPrepared = (spec: DataSpec): boolean => datasets.has(dataKey(spec));
  /** A job whose data this worker cannot even try to match fails at once. */
  const checkDataFlags = (spec: DataSpec): void => {
    if (!spec.builtinCorpus && !o.corpus) throw new UnrecoverableError(`the coordinator's corpus is ${spec.corpusName}: start worker ${o.name} with --corpus PATH to a copy of it.`);
    if (spec.tokenizer === 'file' && !o.tokenizer) throw new UnrecoverableError(`the coordinator's tokenizer is the file ${spec.tokenizerName}: start worker ${o.name} with --tokenizer PATH to a copy of it.`);
  };
  const dataFor = (spec: DataSpec): Promise<Data> => {
    checkDataFlags(spec);
    const tokenizer = o.tokenizer ?? spec.tokenizer;
    const key = dataKey(spec);
    if (!datasets.has(key)) datasets.set(key, prepareData({ corpus: o.corpus, tokenizer, vocabSize: spec.vocabSize, seqLen: spec.seqLen, cacheDir: cacheDir() }));
    return datasets.get(key)!;
  };
  mkdirSync(o.out, { recursive: true });
  if (!existsSync(join(o.out, '.optimlab-worker'))) writeFileSync(join(o.out, '.optimlab-worker'), 'Run folders of optimlab workers: <study scope>/<run id>/ (the scope is a hash of the coordinator’s machine and folder).\n');
  const stop = new AbortController();

  const processor = async (job: Job, token?: string): Promise<JobReturn> => {
    let run: RunJob;
    try {
      run = checkJob(job.data, o.optimizerModule?.hash);
    } catch (err) {
      // A refusal's reason is stored in Redis and printed: cut short, whatever the job held.
      const reason = truncate((err as Error).message, MAX_REASON);
      say('refused', `job ${truncate(String(job.id), 80)}: ${reason}`, { job: truncate(String(job.id), 80) });
      throw new UnrecoverableError(reason);
    }
    const report = (p: JobProgress): void => void job.updateProgress({ ...p }).catch(() => {});
    report({ worker: o.name, step: 0, steps: run.spec.train.steps });
    if (!isPrepared(run.data)) {
      // Preparing new data (training a BPE, tokenizing) blocks this thread, and with it the renewal
      // of the job's lock: give the job back first, prepare, then take jobs again (this one too).
      checkDataFlags(run.data);
      await job.moveToWait(token);
      say('preparing', `preparing ${run.data.corpusName} with ${run.data.tokenizerName} (vocabulary ${run.data.vocabSize}, sequence ${run.data.seqLen}); ${run.spec.id} waits in the queue meanwhile`);
      await dataFor(run.data).catch(() => {}); // a failure is reported when the job comes back
      throw new WaitingError();
    }
    const data = await dataFor(run.data);
    if (data.fingerprint !== run.data.fingerprint) {
      throw new UnrecoverableError(
        `worker ${o.name} has other data: corpus ${data.corpusName} with tokenizer ${data.tokenizer.name} (data hash ${data.fingerprint}), the coordinator's is ${run.data.corpusName} with ${run.data.tokenizerName} (data hash ${run.data.fingerprint}); start the worker with the coordinator's --corpus and --tokenizer.`,
      );
    }
    const root = resolve(o.out);
    const dir = resolve(root, run.scope, run.spec.id);
    if (relative(root, dir).startsWith('..')) throw new UnrecoverableError(`refused job ${job.id}: its run folder would lie outside ${root}.`); // SAFE_ID already excludes this
    say('start', `${run.spec.id}: ${run.spec.train.optimizer.name}, ${run.spec.train.steps} steps (folder ${dir})`, { id: run.spec.id });
    let reported = 0;
    const progress: RunProgress = {
      onStep: (_, s) => {
        if (performance.now() - reported < 1000 && s.step !== run.spec.train.steps) return;
        reported = performance.now();
        report({ worker: o.name, step: s.step, steps: run.spec.train.steps, loss: s.loss });
      },
    };
    try {
      const result = await executeRun(run.spec, dir, data, progress, { environment, checkpoint: run.checkpoint, profileOptimizerSteps: run.profileOptimizerSteps, signal: stop.signal });
      say('finished', `${run.spec.id}: ${result.status}, best val loss ${result.bestLoss?.toFixed(4) ?? '—'} in ${result.seconds.toFixed(1)} s`, { id: run.spec.id, status: result.status });
      return { result, log: readFileSync(join(dir, 'log.jsonl'), 'utf8') };
    } catch (err) {
      if (!(err instanceof Stopping)) throw err instanceof Error && err.message.length > MAX_REASON ? new Error(truncate(err.message, MAX_REASON)) : err;
      // Stopping: the run goes back to the queue for another worker (or this one, later).
      await job.moveToWait(token);
      say('returned', `${run.spec.id}: stopped; back in the queue`, { id: run.spec.id });
      throw new WaitingError();
    }
  };

  const lockDuration = o.lockSeconds * 1000;
  const connection = redisConnection(o.address);
  const worker = new Worker(QUEUE_NAME, processor, { connection, name: o.name, concurrency: 1, lockDuration, stalledInterval: lockDuration, maxStalledCount: 2, autorun: false });
  worker.on('error', (err) => say('warning', `queue connection: ${redact(err.message, o.address)}`));
  worker.on('failed', (job, err) => job && say('failed', `job ${truncate(String(job.id), 80)}: ${truncate(err.message, MAX_REASON)}`, { job: truncate(String(job.id), 80), reason: truncate(err.message, MAX_REASON) }));
  let stoppingSince = 0;
  signalHandler.current = (signal) => {
    // Ctrl-C reaches the launcher (which passes it on) and this process: only a signal seconds later means "leave now".
    if (stop.signal.aborted) return void (performance.now() - stoppingSince > 2000 && process.exit(signal === 'SIGINT' ? 130 : 143));
    stoppingSince = performance.now();
    say('stopping', `${signal}: stopping after this step; the current run goes back to the queue`);
    stop.abort(new Stopping(signal));
    worker.close().catch((err: Error) => say('warning', `closing: ${redact(err.message, o.address)}`));
  };
  say('ready', `taking runs from ${o.address.display} (queue ${QUEUE_NAME}) on ${environment.adapter}; run folders and checkpoints under ${resolve(o.out)}`, { adapter: environment.adapter, out: resolve(o.out) });
  await worker.run();
  connection.disconnect();
  say('stopped', 'stopped');
}
