/**
 * tfjs-backend-webgpu 4.22 on OUR Dawn device in the same process, as the peer for kernels it
 * also has. Its own factory would request a second device; we register one on ours instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { Gpu } from '@optimlab/tensor-wgpu';

export interface Peer {
  readonly tf: typeof tf;
  readonly version: string;
  /** Waits for tfjs's queued GPU work to complete. */
  finish(): Promise<void>;
}

export async function tfjsPeer(gpu: Gpu): Promise<Peer> {
  // tfjs checks navigator.gpu before accepting a device; Node 20 has no navigator.
  (globalThis as { navigator?: unknown }).navigator ??= { gpu: gpu.webgpu };
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(gpu.device));
  await tf.setBackend('webgpu');
  const backend = tf.backend() as WebGPUBackend;
  return {
    tf,
    version: tf.version_core,
    finish: async () => {
      backend.endComputePassEncoder();
      backend.submitQueue();
      await gpu.device.queue.onSubmittedWorkDone();
    },
  };
}
