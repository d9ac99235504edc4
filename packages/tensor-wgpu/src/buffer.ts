/**
 * GPU memory: a pool of storage buffers by size class, with live/pooled byte counters.
 *
 * Ownership rule (the only one): a buffer handed out by `acquireBuffer` belongs to exactly one
 * `Storage` until `releaseBuffer` gives it back. Released buffers are reused, never destroyed, until
 * `trimPool()` or device destruction. Reuse is safe because every GPU command is recorded in queue
 * order, and uploads flush recorded commands before writing (see runtime.ts).
 */
import { gpuSync } from './device.js';
import type { WebGpuBuffer } from './webgpu-types.js';

export interface PooledBuffer {
  readonly buffer: WebGpuBuffer;
  /** The size class in bytes (≥ what was asked for, a multiple of 16). */
  readonly bytes: number;
  /** Stable id used to key cached bind groups. */
  readonly id: number;
}

const USAGE = GPUBufferUsageFlags();
const free = new Map<number, PooledBuffer[]>();
let nextId = 1;
let liveBytes = 0;
let pooledBytes = 0;
/** High-water marks since the last resetPeakMemory(): live bytes, and bytes held from the device. */
let peakLiveBytes = 0;
let peakBytes = 0;

function notePeaks(): void {
  if (liveBytes > peakLiveBytes) peakLiveBytes = liveBytes;
  if (liveBytes + pooledBytes > peakBytes) peakBytes = liveBytes + pooledBytes;
}

function GPUBufferUsageFlags(): number {
  // GPUBufferUsage is a global only after Dawn's globals are installed; use the spec's values.
  const STORAGE = 0x80;
  const COPY_SRC = 0x04;
  const COPY_DST = 0x08;
  return STORAGE | COPY_SRC | COPY_DST;
}

/** Size classes: powers of two and 1.5× powers of two, at least 256 bytes (waste ≤ 33%). */
export function sizeClass(bytes: number): number {
  const wanted = Math.max(256, Math.ceil(bytes / 16) * 16);
  let p = 256;
  while (p < wanted) {
    if (p * 1.5 >= wanted) return p * 1.5;
    p *= 2;
  }
  return p;
}

export function acquireBuffer(bytes: number): PooledBuffer {
  const size = sizeClass(bytes);
  const stack = free.get(size);
  const reused = stack?.pop();
  if (reused) {
    pooledBytes -= size;
    liveBytes += size;
    notePeaks();
    return reused;
  }
  const { device, limits } = gpuSync();
  if (size > limits.maxStorageBufferBindingSize) {
    throw new RangeError(
      `A tensor of ${bytes} bytes exceeds this adapter's maxStorageBufferBindingSize ` +
        `(${limits.maxStorageBufferBindingSize}); use smaller batches or shapes.`,
    );
  }
  const buffer = device.createBuffer({ size, usage: USAGE });
  liveBytes += size;
  notePeaks();
  return { buffer, bytes: size, id: nextId++ };
}

export function releaseBuffer(pooled: PooledBuffer): void {
  liveBytes -= pooled.bytes;
  pooledBytes += pooled.bytes;
  let stack = free.get(pooled.bytes);
  if (!stack) free.set(pooled.bytes, (stack = []));
  stack.push(pooled);
}

export interface MemoryStats {
  /** Bytes held by live tensors (their size classes). */
  readonly liveBytes: number;
  /** Bytes of released buffers waiting in the pool for reuse. */
  readonly pooledBytes: number;
  /** The most live bytes at any moment since the last resetPeakMemory(): what the work needed. */
  readonly peakLiveBytes: number;
  /** The most bytes held from the device (live + pooled) since then: what it cost the GPU. */
  readonly peakBytes: number;
}

/** Storage-buffer memory now and at its peak (uniform arenas and readback staging are not counted). */
export function memoryStats(): MemoryStats {
  return { liveBytes, pooledBytes, peakLiveBytes, peakBytes };
}

/** Starts a new peak measurement from the current amounts (e.g. before a training step). */
export function resetPeakMemory(): void {
  peakLiveBytes = liveBytes;
  peakBytes = liveBytes + pooledBytes;
}

/** Destroys every pooled (unused) buffer. */
export function trimPool(): void {
  for (const stack of free.values()) for (const b of stack) b.buffer.destroy();
  free.clear();
  pooledBytes = 0;
}

/** Forgets every buffer (the device that owned them is gone). */
export function resetPool(): void {
  free.clear();
  liveBytes = 0;
  pooledBytes = 0;
  peakLiveBytes = 0;
  peakBytes = 0;
}
