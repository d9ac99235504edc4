/**
 * The key of a resolved run configuration: a short hash of its canonical JSON (keys sorted), so
 * equal configurations get equal keys whatever their key order. Study run folders end in it, queue
 * job ids carry it, and every result.json records it, so a result can prove it belongs to its folder.
 */
import { createHash } from 'node:crypto';
import type { TrainConfig } from '@optimlab/moe-model';

/** A short hash of a resolved configuration: equal configs, equal key. */
export function configKey(config: TrainConfig): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canonical(config))).digest('hex').slice(0, 10);
}
