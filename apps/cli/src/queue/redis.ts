/**
 * Connections to the queue's Redis (ioredis). `reachRedis` is the check made before any other
 * work: it tries once, within a few seconds, and turns every failure into one line naming the
 * URL (password masked) and the fix. Later connections retry with backoff, so a Redis restart
 * only pauses the queue.
 */
import { Redis } from 'ioredis';
import { UsageError } from '@optimlab/flags';
import { redact, type QueueAddress } from './url.js';

const base = (a: QueueAddress) => ({
  host: a.host,
  port: a.port,
  db: a.db,
  ...(a.username ? { username: a.username } : {}),
  ...(a.password ? { password: a.password } : {}),
  ...(a.tls ? { tls: {} } : {}),
});

/** A connection for BullMQ (which needs maxRetriesPerRequest: null); reconnects with backoff. */
export const redisConnection = (a: QueueAddress): Redis => new Redis({ ...base(a), maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 500, 5000) });

/** Pings Redis once; an unreachable or refusing server is a UsageError (exit 2) naming the fix. */
export async function reachRedis(a: QueueAddress, command: string, timeoutMs = 5000): Promise<void> {
  const probe = new Redis({ ...base(a), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let cause: (Error & { code?: string }) | undefined; // the socket's error (ECONNREFUSED, ENOTFOUND, …), reported below
  probe.on('error', (err: Error & { code?: string }) => (cause ??= err));
  try {
    await Promise.race([
      probe.connect().then(() => probe.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref()),
    ]);
  } catch (err) {
    const e = cause ?? (err as Error & { code?: string });
    const why = redact(e.code ?? e.message.split('\n')[0]!, a);
    throw new UsageError(`optimlab ${command}: cannot reach Redis at ${a.display} (${why}): start redis-server there, or fix --queue.`);
  } finally {
    probe.disconnect();
  }
}
