/**
 * The autotuner's cache in Node (see ops/autotune.ts): one JSON file, by default
 * `$XDG_CACHE_HOME/optimlab/kernel-tuning.json` (`~/.cache/...` without XDG_CACHE_HOME), or the
 * path in OPTIMLAB_TUNING_CACHE. Written atomically: a temp file beside it, then a rename, so a
 * reader never sees half a file and concurrent writers lose at most each other's newest classes.
 * Importing this module registers the file as the tuning store.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTuningStore, type TuningFile, type TuningStore } from '../ops/autotune.js';

/** The cache file this process uses. */
export function tuningCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const explicit = env['OPTIMLAB_TUNING_CACHE'];
  if (explicit) return explicit;
  const base = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'optimlab', 'kernel-tuning.json');
}

/** A store backed by the JSON file at `path` (an unreadable or foreign file reads as empty). */
export function fileTuningStore(path: string = tuningCachePath()): TuningStore {
  return {
    location: path,
    read: () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const file = JSON.parse(text) as TuningFile;
        const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
        if (!isObject(file) || file.version !== 1 || !isObject(file.adapters)) return undefined;
        // Only well-formed choices are kept: a damaged entry is tuned again.
        const adapters = Object.fromEntries(
          Object.entries(file.adapters)
            .filter(([, choices]) => isObject(choices))
            .map(([key, choices]) => [key, Object.fromEntries(Object.entries(choices as Record<string, unknown>).filter(([, c]) => isObject(c) && typeof c['kernel'] === 'string' && isObject(c['ms'])))]),
        );
        return { version: 1, adapters } as TuningFile;
      } catch {
        return undefined; // a corrupt cache is re-tuned and overwritten
      }
    },
    write: (file) => {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
      try {
        writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
        renameSync(tmp, path);
      } finally {
        rmSync(tmp, { force: true }); // gone after the rename; left behind by a failed write otherwise
      }
    },
  };
}

setTuningStore(fileTuningStore());
