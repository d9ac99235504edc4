/**
 * Safetensors files on disk (Node only; exported from the `./node` subpath): the GPU round trip of
 * safetensors.ts plus an atomic write (temp file + fsync + rename: a crash never leaves half a file).
 */
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

/** Writes `data` to a temp file beside `path`, fsyncs, then renames over it. */
export async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (err) {
    await file.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await file.close();
  await rename(tmp, path);
}
