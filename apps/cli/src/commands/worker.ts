/**
 * `optimlab worker --queue URL`: a long-running worker that makes the runs coordinators put on the
 * queue (`optimlab reproduce|sweep --queue URL`). Redis and BullMQ are loaded only here and with
 * --queue, never by the other commands.
 */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { checkOutputFolder, DATA_FLAGS, OUTPUT_FLAGS, QUEUE_FLAG, readJson, resolvePath } from '../context.js';
import { loadOptimizerModule } from '../optimizer-module.js';
import { SAFE_ID } from '../queue/payload.js';
import { parseQueueUrl } from '../queue/url.js';

export const workerCommand: CommandSpec = {
  name: 'worker',
  summary: 'take runs from a Redis job queue and make them on this machine (one at a time per GPU)',
  flags: {
    queue: { ...QUEUE_FLAG, help: 'the queue to take runs from (required)' },
    name: { kind: 'string', help: 'how this worker appears in the coordinator’s progress (default <host>-<pid>)' },
    out: { kind: 'string', help: 'run folders and checkpoints (default worker-runs)', value: 'DIR' },
    'optimizer-module': { kind: 'string', help: 'a module of optimizers (.ts or .js): runs what a coordinator queued with the same module (by the hash of its files)', value: 'FILE' },
    'lock-timeout': { kind: 'number', help: 'seconds a silent worker keeps its run before another takes it over (default 60)', min: 1, max: 86400 },
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
  notes: 'The corpus and tokenizer must be the coordinator’s (their token ids are compared by hash); a job with other data fails with the reason. SIGTERM or Ctrl-C puts the current run back in the queue. The Redis password may come from the environment variable OPTIMLAB_REDIS_PASSWORD instead of the URL (out of sight of ps).',
};

export async function runWorkerCommand({ flags }: Parsed): Promise<void> {
  if (flags['queue'] === undefined) throw new UsageError('optimlab worker: --queue is required, e.g. --queue redis://127.0.0.1:6379.');
  const address = parseQueueUrl(flags['queue'] as string, 'optimlab worker: --queue');
  const name = (flags['name'] as string | undefined) ?? `${hostname()}-${process.pid}`;
  if (!SAFE_ID.test(name)) throw new UsageError(`optimlab worker: --name "${name}" must be letters, digits, ".", "_" and "-".`);
  const out = resolvePath((flags['out'] as string | undefined) ?? 'worker-runs');
  checkOutputFolder(out, '--out', '.optimlab-worker');
  // A worker that cannot read its data would take jobs only to fail them all: refuse at start-up.
  const corpus = flags['corpus'] === undefined ? undefined : resolvePath(flags['corpus'] as string);
  if (corpus !== undefined && !existsSync(corpus)) throw new UsageError(`optimlab worker: --corpus ${corpus} does not exist: give the path of a copy of the coordinator's corpus.`);
  const tokenizer = flags['tokenizer'] as string | undefined;
  if (tokenizer !== undefined && tokenizer !== 'bpe' && tokenizer !== 'gpt2') {
    const file = resolvePath(tokenizer);
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`optimlab worker: --tokenizer ${file} is not a file: give 'bpe', 'gpt2' or the path of a copy of the coordinator's tokenizer.json.`);
    readJson(file, '--tokenizer'); // one line when it is not JSON
  }
  const module = flags['optimizer-module'] === undefined ? undefined : await loadOptimizerModule(resolvePath(flags['optimizer-module'] as string), '--optimizer-module');
  const { runWorker } = await import('../queue/worker.js');
  await runWorker({
    address, name, out,
    corpus,
    tokenizer,
    lockSeconds: (flags['lock-timeout'] as number | undefined) ?? 60,
    json: Boolean(flags['json']), quiet: Boolean(flags['quiet']),
    ...(module ? { optimizerModule: { hash: module.hash, path: module.path } } : {}),
  });
}
