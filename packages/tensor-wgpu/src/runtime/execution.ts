/**
 * Execution and batching: dispatches are recorded into one open command encoder and submitted
 * together by `flush()` — when the uniform arena fills, before any upload or readback, or when the
 * caller syncs. Nothing here reads back to the CPU unless asked.
 */
import type { PooledBuffer } from '../buffer.js';
import { gpuSync, throwPendingGpuError } from '../device.js';
import { arena, bindGroupFor, writeUniforms } from './caches.js';
import { newProfile, readProfile, resolveProfile, timedPass } from './profiler.js';
import { SLOT_BYTES, st, type Kernel, type UniformValue } from './state.js';

/**
 * Records one dispatch. Uniforms go to binding 0 (a 256-byte slot of the batch's uniform arena),
 * `buffers` to bindings 1..n in order.
 */
export function dispatch(
  k: Kernel,
  uniforms: readonly UniformValue[],
  buffers: readonly PooledBuffer[],
  workgroups: readonly [number, number?, number?],
): void {
  const s = st();
  const { device } = gpuSync();
  let offset = writeUniforms(s, uniforms);
  if (offset === undefined) {
    flush();
    offset = writeUniforms(s, uniforms)!;
  }
  s.encoder ??= device.createCommandEncoder();
  if (s.profile) {
    // One pass per dispatch, with GPU timestamps at its start and end.
    if (s.pass) s.pass.end();
    s.pass = timedPass(s.profile, s.encoder, k.name);
    if (!s.pass) {
      flush();
      return dispatch(k, uniforms, buffers, workgroups);
    }
  }
  s.pass ??= s.encoder.beginComputePass();
  const group = bindGroupFor(s, k, buffers);
  s.pass.setPipeline(k.pipeline);
  s.pass.setBindGroup(0, group, [offset]);
  s.pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
  s.dispatches++;
}

/** Copies `bytes` from one buffer to another, in queue order with the dispatches. */
export function copyBuffer(src: PooledBuffer, srcOffset: number, dst: PooledBuffer, dstOffset: number, bytes: number): void {
  const s = st();
  if (s.pass) {
    s.pass.end();
    s.pass = undefined;
  }
  s.encoder ??= gpuSync().device.createCommandEncoder();
  s.encoder.copyBufferToBuffer(src.buffer, srcOffset, dst.buffer, dstOffset, bytes);
  s.copies++;
}

/** Submits everything recorded so far (one submit). */
export function flush(): void {
  const s = st();
  if (s.encoder) {
    const { device } = gpuSync();
    if (s.pass) s.pass.end();
    s.pass = undefined;
    resolveProfile(s);
    if (s.slot > 0) device.queue.writeBuffer(arena(s), 0, s.uniformData, 0, s.slot * SLOT_BYTES);
    device.queue.submit([s.encoder.finish()]);
    s.submits++;
    s.encoder = undefined;
    s.pass = undefined;
    s.slot = 0;
  }
  throwPendingGpuError();
}

/** Flushes and waits until the GPU has finished all submitted work. */
export async function sync(): Promise<void> {
  flush();
  await gpuSync().device.queue.onSubmittedWorkDone();
  throwPendingGpuError();
}

/** Starts timing every dispatch on the GPU (one pass each: slower, so only for profiling). */
export function startProfiling(): void {
  const profile = newProfile();
  flush();
  st().profile = profile;
}

/**
 * Stops profiling; returns total GPU milliseconds per kernel name (prefixed `label/` for dispatches
 * made inside `withProfileLabel`) and how often each ran.
 */
export async function stopProfiling(): Promise<Map<string, { ms: number; count: number }>> {
  const s = st();
  flush();
  const profile = s.profile;
  if (!profile) throw new Error('stopProfiling() without startProfiling().');
  s.profile = undefined;
  return readProfile(profile);
}

/** Counters for tests and profiling. */
export function runtimeStats(): { dispatches: number; submits: number; copies: number; kernels: number; bindGroups: number; reads: number } {
  const s = st();
  return { dispatches: s.dispatches, submits: s.submits, copies: s.copies, kernels: s.kernels.size, bindGroups: s.bindGroups.size, reads: s.reads };
}
