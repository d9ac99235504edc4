/**
 * --queue on `reproduce` and `sweep`, from flag to runner: the URL is checked with the other
 * flags, Redis is reached before any GPU or file work, and Redis and BullMQ are loaded only when
 * --queue is given (dynamic imports: no other command loads them).
 */
import { UsageError, type Parsed } from '@optimlab/flags';
import type { Data } from '../data.js';
import type { Runner } from '../runner.js';
import type { DataSpec, ModuleSpec } from './payload.js';
import { parseQueueUrl, type QueueAddress } from './url.js';

/** The queue's address, or undefined without --queue; a bad combination of flags is a UsageError. */
export function queueAddress(command: string, flags: Parsed['flags']): QueueAddress | undefined {
  if (flags['queue'] === undefined) return undefined;
  const address = parseQueueUrl(flags['queue'] as string, `optimlab ${command}: --queue`);
  if (flags['preset'] === undefined) throw new UsageError(`optimlab ${command}: with --queue, give --preset (the default follows this machine's adapter, and the runs are made on the workers').`);
  return address;
}

/** Fails with one line (exit code 2) when Redis cannot be reached. */
export async function checkQueue(address: QueueAddress, command: string): Promise<void> {
  const { reachRedis } = await import('./redis.js');
  await reachRedis(address, command);
}

/** What the workers must match: the data's origin and hash (`vocabSize`: the model's, which the BPE is trained to). */
export function dataSpecOf(data: Data, vocabSize: number, flags: Parsed['flags']): DataSpec {
  const tokenizer = (flags['tokenizer'] as string | undefined) ?? 'bpe';
  return {
    builtinCorpus: flags['corpus'] === undefined,
    corpusName: data.corpusName,
    tokenizer: tokenizer === 'bpe' || tokenizer === 'gpt2' ? tokenizer : 'file',
    tokenizerName: data.tokenizer.name,
    vocabSize,
    seqLen: data.train.seqLen,
    fingerprint: data.fingerprint,
  };
}

/** A runner that hands runs to the queue's workers, for the study or sweep in `folder`. */
export async function queueRunnerFor(address: QueueAddress, folder: string, data: Data, vocabSize: number, flags: Parsed['flags'], optimizerModule?: ModuleSpec): Promise<Runner> {
  const [{ queueRunner }, { scopeOf }] = await Promise.all([import('./coordinator.js'), import('./payload.js')]);
  return queueRunner({ address, scope: scopeOf(folder), data: dataSpecOf(data, vocabSize, flags), json: Boolean(flags['json']), quiet: Boolean(flags['quiet']), ...(optimizerModule ? { optimizerModule } : {}) });
}
