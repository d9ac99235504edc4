/**
 * Safetensors files on disk (Node only; exported from the `./node` subpath): the GPU round trip of
 * safetensors.ts plus an atomic write (temp file + fsync + rename: a crash never leaves half a file).
 */
import { rmSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { Tensor } from '../tensor.js';
import { tensorsFromSafetensors, tensorsToSafetensors } from './safetensors.js';

/** Reads tensors back and writes them atomically to `path`. */
export async function saveTensors(path: string, tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Promise<void> {
  await writeAtomically(path, await tensorsToSafetensors(tensors, metadata));
}

/** Loads every tensor of a safetensors file onto the GPU. */
export async function loadTensors(path: string): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`Cannot read ${path}: ${(err as Error).message}`);
  }
  return tensorsFromSafetensors(bytes, path);
}

/** Temp files being written now: a process that exits meanwhile (Ctrl-C, SIGTERM, an error) removes them. */
const pending = new Set<string>();
let cleanupInstalled = false;
function removePendingOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const tmp of pending) rmSync(tmp, { force: true });
  });
}

/** Writes `data` to a temp file beside `path`, fsyncs, then renames over it; the temp file never outlives the process. */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  removePendingOnExit();
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  pending.add(tmp);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  } finally {
    pending.delete(tmp);
  }
}
