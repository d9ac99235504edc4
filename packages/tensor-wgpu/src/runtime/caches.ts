/**
 * What the runtime keeps for the device's lifetime: compiled pipelines and shader modules (Dawn-node
 * crashed when live pipelines were garbage collected), bind group layouts, a bounded bind-group
 * cache, and the uniform arena the bind groups point at.
 */
import type { PooledBuffer } from '../buffer.js';
import { gpuSync } from '../device.js';
import { ARENA_SLOTS, SLOT_BYTES, st, type Kernel, type State, type UniformValue } from './state.js';
import type { WebGpuBindGroup, WebGpuBindGroupLayout, WebGpuBuffer } from '../webgpu-types.js';

const MAX_BIND_GROUPS = 4096;
let nextKernelId = 1;

/**
 * The bind group layout a kernel's WGSL declares: binding 0 a uniform slot with a DYNAMIC offset
 * (so one bind group serves every slot of the arena), then storage buffers read or read_write.
 * Layouts are shared by kernels with the same signature, and so are their bind groups.
 */
function layoutFor(s: State, code: string): { layout: WebGpuBindGroupLayout; id: string } {
  const access: string[] = [];
  for (const m of code.matchAll(/@binding\((\d+)\)\s*var<storage,\s*(read_write|read)>/g)) access[Number(m[1]) - 1] = m[2]!;
  const id = access.join(',');
  let layout = s.layouts.get(id);
  if (!layout) {
    const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: 4, buffer: { type: 'uniform', hasDynamicOffset: true } }];
    access.forEach((a, i) => entries.push({ binding: i + 1, visibility: 4, buffer: { type: a === 'read' ? 'read-only-storage' : 'storage' } }));
    layout = gpuSync().device.createBindGroupLayout({ entries });
    s.layouts.set(id, layout);
  }
  return { layout, id };
}

/** Compiles (once) a kernel from WGSL; `name` is the cache key, so it must identify the source. */
export function kernel(name: string, wgsl: string | (() => string)): Kernel {
  const s = st();
  const cached = s.kernels.get(name);
  if (cached) return cached;
  const { device } = gpuSync();
  const code = typeof wgsl === 'string' ? wgsl : wgsl();
  const module = device.createShaderModule({ code, label: name });
  const { layout, id } = layoutFor(s, code);
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main' },
    label: name,
  });
  const k: Kernel = { name, pipeline, layout, layoutId: id, id: nextKernelId++ };
  s.kernels.set(name, k);
  s.keepAlive.push(module);
  return k;
}

export function arena(s: State): WebGpuBuffer {
  s.arena ??= gpuSync().device.createBuffer({
    size: SLOT_BYTES * ARENA_SLOTS,
    usage: 0x40 | 0x08, // UNIFORM | COPY_DST
  });
  return s.arena;
}

/** Writes one dispatch's uniforms into the next slot of the batch; undefined when the arena is full (flush first). */
export function writeUniforms(s: State, values: readonly UniformValue[]): number | undefined {
  if (values.length * 4 > SLOT_BYTES) throw new Error('too many uniforms for one slot');
  if (s.slot === ARENA_SLOTS) return undefined;
  const offset = s.slot * SLOT_BYTES;
  const view = new DataView(s.uniformData, offset, SLOT_BYTES);
  values.forEach((v, i) => {
    if ('u32' in v) view.setUint32(i * 4, v.u32, true);
    else if ('i32' in v) view.setInt32(i * 4, v.i32, true);
    else view.setFloat32(i * 4, v.f32, true);
  });
  s.slot++;
  return offset;
}

export function bindGroupFor(s: State, k: Kernel, buffers: readonly PooledBuffer[]): WebGpuBindGroup {
  // Pooled buffers are reused step after step, so a training loop hits this cache.
  let key = k.layoutId;
  for (const b of buffers) key += `:${b.id}`;
  const cached = s.bindGroups.get(key);
  if (cached) {
    // Re-insert: the Map's order is then least recently used first.
    s.bindGroups.delete(key);
    s.bindGroups.set(key, cached);
    return cached.group;
  }
  if (s.bindGroups.size >= MAX_BIND_GROUPS) evictBindGroups(s);
  const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: arena(s), offset: 0, size: SLOT_BYTES } }];
  buffers.forEach((b, i) => entries.push({ binding: i + 1, resource: { buffer: b.buffer } }));
  const group = gpuSync().device.createBindGroup({ layout: k.layout, entries });
  s.bindGroups.set(key, { group });
  return group;
}

/**
 * Drops the least recently used quarter of the cache. Each bind group holds descriptor sets, and
 * an unbounded cache exhausted lavapipe's descriptor pools (a segfault in a long loop). Dropping
 * one that recorded commands still use is safe: Dawn keeps it alive until they complete.
 */
function evictBindGroups(s: State): void {
  let n = MAX_BIND_GROUPS / 4;
  for (const key of s.bindGroups.keys()) {
    if (n-- <= 0) break;
    s.bindGroups.delete(key);
  }
}
