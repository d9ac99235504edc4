/**
 * What travels through the queue. A job is data, never code: the worker checks every job against
 * this schema and re-validates its run config through the run-config schema (so only registry
 * optimizers run, with hyperparameters in range), and refuses run ids that could name a path
 * outside its run folder. Paths never travel: a worker reads only the corpus and tokenizer it was
 * started with, and a hash of the tokenized data must equal the coordinator's.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { differingFields, InputError, resolveRunConfig, type TrainConfig } from '@optimlab/moe-model';
import { truncate } from '@optimlab/optim';
import { horizonSchema, parseResult, type RunResult, type RunSpec } from '../runs.js';
import { configKey } from '../study/engine.js';

/** The queue's name in Redis. */
export const QUEUE_NAME = 'optimlab-runs';

/** A run id (a folder name on the worker): letters, digits, '.', '_' and '-', no "..", at most 128. */
export const SAFE_ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const dataSchema = z.strictObject({
  /** True for the embedded SOTU corpus; otherwise the worker must be started with --corpus. */
  builtinCorpus: z.boolean(),
  corpusName: z.string().max(500),
  tokenizer: z.enum(['bpe', 'gpt2', 'file']),
  tokenizerName: z.string().max(500),
  vocabSize: z.number().int().positive(),
  seqLen: z.number().int().positive(),
  /** prepareData's fingerprint: the tokenizer and every token id of both splits. */
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
});
export type DataSpec = z.infer<typeof dataSchema>;

/** The optimizer module a job needs: its content hash (module-hash.ts; no code travels) and its file name, for messages. */
const moduleSchema = z.strictObject({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(200),
});
export type ModuleSpec = z.infer<typeof moduleSchema>;

const jobSchema = z.strictObject({
  version: z.literal(1),
  /** The coordinator's folder (scopeOf): a worker keeps each study's runs apart. */
  scope: z.string().regex(/^[0-9a-f]{8}$/),
  spec: z.strictObject({
    id: z.string().regex(SAFE_ID, 'a run id is letters, digits, ".", "_" and "-" (no "..", no "/")'),
    phase: z.string().max(200),
    label: z.string().max(200),
    horizon: horizonSchema,
    train: z.unknown(),
  }),
  checkpoint: z.boolean(),
  profileOptimizerSteps: z.number().int().min(0).max(100),
  data: dataSchema,
  optimizerModule: moduleSchema.optional(),
});
export type RunJob = Omit<z.infer<typeof jobSchema>, 'spec'> & { readonly spec: RunSpec };

/** What a worker sends back: the result and the files of the run folder the coordinator keeps. */
export interface JobReturn {
  readonly result: RunResult;
  /** log.jsonl as written on the worker. */
  readonly log: string;
}

/** A short hash of the coordinator's machine and output folder: a study's jobs are its own. */
export const scopeOf = (folder: string): string => createHash('sha256').update(`${hostname()}:${resolve(folder)}`).digest('hex').slice(0, 8);

/** The job's deterministic id: one per study folder (scope) and run configuration. */
export const jobIdOf = (scope: string, train: TrainConfig): string => `${scope}-${configKey(train)}`;

/**
 * A valid job, or an error saying why it is refused. `moduleHash`: the optimizer module this process
 * loaded; a job that needs a module runs only where a file of the same hash was loaded.
 */
export function checkJob(value: unknown, moduleHash?: string): RunJob {
  const parsed = jobSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`refused job: ${truncate(issue.path.join('.'), 80) || 'payload'}: ${truncate(issue.message, 200)}.`);
  }
  const job = parsed.data;
  // Before the run config: its optimizer may be the module's, unknown here without it.
  const needed = job.optimizerModule;
  if (needed && needed.hash !== moduleHash) {
    const mine = moduleHash ? `another optimizer module (hash ${moduleHash.slice(0, 12)})` : 'no optimizer module';
    throw new InputError(`refused job ${job.spec.id}: it needs the optimizer module ${needed.name} (hash ${needed.hash.slice(0, 12)}), and this worker was started with ${mine}: start it with --optimizer-module PATH to the same file.`);
  }
  let train: TrainConfig;
  try {
    train = resolveRunConfig(job.spec.train);
  } catch (err) {
    throw new InputError(`refused job ${job.spec.id}: its run config is invalid (${truncate((err as Error).message, 300)})`);
  }
  // A resolved config resolves to itself; anything else was not made by a coordinator.
  const differ = differingFields(train, job.spec.train);
  if (differ.length) throw new InputError(`refused job ${job.spec.id}: its run config is not a resolved one (${differ.slice(0, 5).join(', ')}).`);
  if (job.data.vocabSize !== train.model.vocabSize || job.data.seqLen !== train.model.seqLen) {
    throw new InputError(`refused job ${job.spec.id}: its data (vocabulary ${job.data.vocabSize}, sequence ${job.data.seqLen}) is not its model's (${train.model.vocabSize}, ${train.model.seqLen}).`);
  }
  return { ...job, spec: { ...job.spec, train } };
}

/** The worker's answer checked, or an error saying what is wrong with it. */
export function checkReturn(value: unknown, id: string): JobReturn {
  const v = (typeof value === 'string' ? JSON.parse(value) : value) as { result?: unknown; log?: unknown } | null;
  const result = parseResult(v?.result);
  if (!result || typeof v?.log !== 'string') throw new Error(`the worker's answer for run ${id} is not a run result (a worker of another version?)`);
  return { result, log: v.log };
}
