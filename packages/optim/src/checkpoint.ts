/**
 * Optimizer checkpoints in safetensors: parameters as `param/<name>`, every tensor of the state
 * as `state/<path>`, and the rest of the state (counts, labels) as JSON in the metadata. Loading
 * restores the parameters in place and the state into a freshly `init`ed optimizer, bit-exactly,
 * so a resumed run continues exactly as if it had not stopped. This file works on bytes and runs
 * anywhere; `saveCheckpoint`/`loadCheckpoint` (checkpoint-file.ts, the `./node` subpath) add the file.
 */
import { mapInPlace, shapeOf, Tensor, tensorsFromSafetensors, tensorsToSafetensors } from '@optimlab/tensor-wgpu';
import type { Params } from './base.js';
import type { Optimizer } from './optimizer.js';

const FORMAT = 'optimlab-optimizer-v1';
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function flatten(value: unknown, path: string, tensors: Record<string, Tensor>): Json {
  if (value instanceof Tensor) {
    tensors[`state/${path}`] = value;
    return { $tensor: path };
  }
  if (value === undefined) return { $undefined: true };
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => flatten(v, `${path}/${i}`, tensors));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatten(v, `${path}/${k}`, tensors)]));
  }
  throw new Error(`Cannot checkpoint optimizer state of type ${typeof value} at "${path}".`);
}

function restore(saved: Json, live: Record<string, unknown>, key: string, loaded: Record<string, Tensor>): void {
  if (saved && typeof saved === 'object' && !Array.isArray(saved) && '$tensor' in saved) {
    const t = loaded[`state/${saved['$tensor'] as string}`];
    if (!t) throw new Error(`Checkpoint is missing tensor state/${saved['$tensor'] as string}.`);
    (live[key] as Tensor | undefined)?.dispose();
    live[key] = t.keep();
  } else if (saved && typeof saved === 'object' && !Array.isArray(saved) && '$undefined' in saved) {
    live[key] = undefined;
  } else if (saved !== null && typeof saved === 'object') {
    live[key] ??= Array.isArray(saved) ? [] : {};
    const container = live[key] as Record<string, unknown>;
    for (const [k, v] of Object.entries(saved)) restore(v, container, k, loaded);
  } else {
    live[key] = saved;
  }
}

/** Params + optimizer state as the bytes of one safetensors file. */
export async function checkpointToSafetensors(optimizer: Optimizer, params: Params, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const tensors: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(params)) tensors[`param/${name}`] = p;
  const state = flatten(optimizer.state, 'root', tensors);
  return tensorsToSafetensors(tensors, { ...metadata, format: FORMAT, steps: String(optimizer.steps), state: JSON.stringify(state) });
}

/**
 * Restores params (in place) and the optimizer's state from safetensors bytes (`source` names them
 * in errors). The optimizer must be built with the same transformation and parameter names as the
 * one saved.
 */
export function restoreCheckpoint(bytes: Uint8Array, optimizer: Optimizer, params: Params, source = 'checkpoint'): Record<string, string> {
  const { tensors, metadata } = tensorsFromSafetensors(bytes, source);
  if (metadata['format'] !== FORMAT) throw new Error(`${source} is not an optimlab optimizer checkpoint (format "${metadata['format'] ?? 'none'}").`);
  for (const [name, p] of Object.entries(params)) {
    const saved = tensors[`param/${name}`];
    if (!saved) throw new Error(`${source} has no parameter "${name}".`);
    if (saved.size !== p.size) throw new Error(`${source}: parameter "${name}" has shape ${shapeOf(saved.shape)}, the model's is ${shapeOf(p.shape)}.`);
    mapInPlace({ name: 'copy', body: 'out0 = in0;', inputs: [saved], outputs: [p] });
    saved.dispose();
  }
  const holder: Record<string, unknown> = { root: optimizer.state };
  restore(JSON.parse(metadata['state']!) as Json, holder, 'root', tensors);
  optimizer.resumeAt(Number(metadata['steps']));
  return metadata;
}
