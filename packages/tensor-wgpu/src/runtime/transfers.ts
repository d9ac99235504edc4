/** Transfers between the CPU and GPU buffers, ordered with the recorded dispatches. */
import type { PooledBuffer } from '../buffer.js';
import { gpuSync, throwPendingGpuError } from '../device.js';
import { copyBuffer, flush } from './execution.js';
import { st } from './state.js';

/** Uploads bytes into a buffer (flushes recorded work first so pooled reuse stays ordered). */
export function upload(dst: PooledBuffer, data: ArrayBufferView, dstOffset = 0): void {
  flush();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const padded = bytes.byteLength % 4 === 0 ? bytes : padTo4(bytes);
  gpuSync().device.queue.writeBuffer(dst.buffer, dstOffset, padded);
}

function padTo4(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.byteLength / 4) * 4);
  out.set(bytes);
  return out;
}

/** Reads `bytes` bytes of a buffer back to the CPU (flushes and waits). */
export async function download(src: PooledBuffer, bytes: number, srcOffset = 0): Promise<ArrayBuffer> {
  const { device } = gpuSync();
  st().reads++;
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = device.createBuffer({ size, usage: 0x01 | 0x08 }); // MAP_READ | COPY_DST
  copyBuffer(src, srcOffset, { buffer: staging, bytes: size, id: -1 }, 0, size);
  flush();
  await staging.mapAsync(0x01);
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  throwPendingGpuError();
  return out;
}
