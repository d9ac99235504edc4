/**
 * `pnpm bench` (tensor-wgpu): fp32 matmul GFLOP/s, ours vs tfjs-backend-webgpu 4.22 on the SAME
 * Dawn device in the same process. Each timing awaits GPU completion (onSubmittedWorkDone), after
 * warm-up, with inputs allocated outside the timed call; reported is the median of the runs.
 * Moves into packages/bench with the bench issue. `--large` adds 2048².
 */
import * as tf from '@tensorflow/tfjs-core';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { destroyDevice, getGpu, matmul, randNormal, sync } from '../index.js';

const SHAPES: [string, number, number, number][] = [
  ['256²', 256, 256, 256],
  ['512²', 512, 512, 512],
  ['1024²', 1024, 1024, 1024],
  ['2048×384·384×1536', 2048, 384, 1536],
  ['2048×1536·1536×384', 2048, 1536, 384],
  ['2048×384·384×1152', 2048, 384, 1152],
];
if (process.argv.includes('--large')) SHAPES.push(['2048²', 2048, 2048, 2048]);

async function median(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn(); // warm-up: pipeline compilation
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const gpu = await getGpu();
// tfjs checks navigator.gpu before accepting a device; Node 20 has no navigator.
(globalThis as { navigator?: unknown }).navigator ??= { gpu: gpu.webgpu };
// Replace tfjs's own 'webgpu' factory (it would request a second device) with one on our device;
// the kernels stay registered under the name 'webgpu'.
if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
tf.registerBackend('webgpu', () => new WebGPUBackend(gpu.device));
await tf.setBackend('webgpu');
const backend = tf.backend() as WebGPUBackend;
console.log(`adapter: ${gpu.info.description} (${gpu.variant} kernels); peer: tfjs-backend-webgpu ${tf.version_core}`);
console.log('shape (M×K·K×N)          ours ms  GFLOP/s   tfjs ms  GFLOP/s   ours/tfjs');

for (const [name, M, K, N] of SHAPES) {
  const runs = M * N * K > 1e9 ? 5 : 11;
  const flop = 2 * M * N * K;
  const a = randNormal([M, K], { seed: 1 });
  const b = randNormal([K, N], { seed: 2 });
  const ours = await median(runs, async () => {
    const c = matmul(a, b);
    await sync();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  const ta = tf.randomNormal([M, K]);
  const tb = tf.randomNormal([K, N]);
  const theirs = await median(runs, async () => {
    const c = tf.matMul(ta, tb);
    backend.endComputePassEncoder();
    backend.submitQueue();
    await gpu.device.queue.onSubmittedWorkDone();
    c.dispose();
  });
  ta.dispose();
  tb.dispose();
  const gf = (ms: number): string => (flop / ms / 1e6).toFixed(2).padStart(8);
  console.log(
    `${name.padEnd(24)} ${ours.toFixed(1).padStart(8)} ${gf(ours)} ${theirs.toFixed(1).padStart(9)} ${gf(theirs)}   ${(theirs / ours).toFixed(2).padStart(6)}×`,
  );
}
if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
await destroyDevice();
