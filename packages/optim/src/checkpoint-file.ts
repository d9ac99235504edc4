/** Optimizer checkpoints as files (Node only; the `./node` subpath): checkpoint.ts plus the disk. */
import { readFile } from 'node:fs/promises';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import type { Params } from './base.js';
import { checkpointToSafetensors, restoreCheckpoint } from './checkpoint.js';
import type { Optimizer } from './optimizer.js';

/** Writes params + optimizer state atomically to `path` (a .safetensors file). */
export async function saveCheckpoint(path: string, optimizer: Optimizer, params: Params, metadata: Record<string, string> = {}): Promise<void> {
  await writeAtomically(path, await checkpointToSafetensors(optimizer, params, metadata));
}

/**
 * Restores params (in place) and the optimizer's state from `path`. The optimizer must be built
 * with the same transformation and parameter names as the one saved.
 */
export async function loadCheckpoint(path: string, optimizer: Optimizer, params: Params): Promise<Record<string, string>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`Cannot read ${path}: ${(err as Error).message}`);
  }
  return restoreCheckpoint(bytes, optimizer, params, path);
}
