import { describe, expect, it } from 'vitest';
import { getGpu, gpuSync } from './device.js';
import { sync } from './runtime.js';
import { tensor } from './creation.js';
import { kernel, dispatch } from './runtime.js';

describe('device', () => {
  it('describes the adapter and picks a kernel variant', async () => {
    const gpu = await getGpu();
    expect(gpu.info.vendor.length + gpu.info.description.length).toBeGreaterThan(0);
    expect(['software', 'hardware']).toContain(gpu.variant);
    expect(gpu.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(gpuSync()).toBe(gpu);
  });
  it('surfaces a GPU validation error as an exception at the next sync', async () => {
    const bad = kernel('test:bad-binding', `
@group(0) @binding(0) var<uniform> params: array<vec4<u32>, 16>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(1) fn main() { out[0] = f32(params[0].x); }`);
    const t = tensor([1]);
    // Two storage buffers for a kernel that declares one: the bind group is invalid.
    dispatch(bad, [], [t.buffer, t.buffer], [1]);
    await expect(sync()).rejects.toThrow(/Uncaptured WebGPU error/);
  });
});

describe('kernel profiler', () => {
  it('times each dispatch on the GPU by kernel name', async () => {
    const { startProfiling, stopProfiling } = await import('./runtime.js');
    const { matmul } = await import('./ops/matmul/matmul.js');
    const { randNormal } = await import('./ops/random/random.js');
    const a = randNormal([64, 64], { seed: 1 });
    startProfiling();
    for (let i = 0; i < 3; i++) matmul(a, a).dispose();
    const profile = await stopProfiling();
    const mm = [...profile.entries()].find(([name]) => name.startsWith('matmul'));
    expect(mm?.[1].count).toBe(3);
    expect(mm![1].ms).toBeGreaterThan(0);
  });

  it('prefixes the names of dispatches made under a label, innermost label first', async () => {
    const { startProfiling, stopProfiling, withProfileLabel } = await import('./runtime.js');
    const { matmul } = await import('./ops/matmul/matmul.js');
    const { randNormal } = await import('./ops/random/random.js');
    const a = randNormal([8, 8], { seed: 2 });
    startProfiling();
    withProfileLabel('outer', () => {
      matmul(a, a).dispose();
      withProfileLabel('inner', () => matmul(a, a).dispose());
      matmul(a, a).dispose();
    });
    matmul(a, a).dispose();
    const counts = Object.fromEntries([...(await stopProfiling())].map(([name, v]) => [name.split('/')[0]!.startsWith('matmul') ? 'none' : name.split('/')[0]!, v.count]));
    expect(counts).toEqual({ outer: 2, inner: 1, none: 1 });
  });
});
