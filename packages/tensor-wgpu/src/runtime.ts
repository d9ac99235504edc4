/**
 * Execution: pipeline cache, bind-group cache, uniform arenas and command batching.
 *
 * Dispatches are recorded into one open command encoder and submitted together by `flush()` —
 * when a uniform arena fills, before any upload or readback, or when the caller syncs. Nothing here
 * reads back to the CPU unless asked. Pipelines and shader modules are cached for the device's
 * lifetime (Dawn-node crashed here when live pipelines were garbage collected).
 */
import { acquireBuffer, type PooledBuffer, resetPool } from './buffer.js';
import { gpuSync, onDeviceDestroy, throwPendingGpuError } from './device.js';
import type { WebGpuBindGroupLayout, WebGpuComputePipeline } from './webgpu-types.js';

/** A compiled compute kernel: WGSL with a `Params` uniform at binding 0, storage buffers after. */
export interface Kernel {
  readonly name: string;
  readonly pipeline: WebGpuComputePipeline;
  readonly layout: WebGpuBindGroupLayout;
  /** Kernels with equal layout ids share bind groups. */
  readonly layoutId: string;
  readonly id: number;
}

/** One uniform field: 'u32' | 'i32' | 'f32' with its value. */
export type UniformValue = { readonly u32: number } | { readonly i32: number } | { readonly f32: number };

const SLOT_BYTES = 256; // minUniformBufferOffsetAlignment
const ARENA_SLOTS = 256;
const MAX_BIND_GROUPS = 4096;

interface State {
  kernels: Map<string, Kernel>;
  bindGroups: Map<string, { group: GPUBindGroup }>;
  layouts: Map<string, GPUBindGroupLayout>;
  profile: Profile | undefined;
  /** Readbacks to the CPU so far (tests check a training step makes none it was not asked for). */
  reads: number;
  encoder: GPUCommandEncoder | undefined;
  pass: GPUComputePassEncoder | undefined;
  /** Uniform slots of the open batch; rewritten per submit (queue order keeps that safe). */
  arena: GPUBuffer | undefined;
  uniformData: ArrayBuffer;
  slot: number;
  dispatches: number;
  submits: number;
  copies: number;
  keepAlive: unknown[];
}

let state: State | undefined;
let nextKernelId = 1;

function st(): State {
  if (state) return state;
  const s: State = {
    kernels: new Map(),
    bindGroups: new Map(),
    layouts: new Map(),
    profile: undefined,
    reads: 0,
    encoder: undefined,
    pass: undefined,
    arena: undefined,
    uniformData: new ArrayBuffer(SLOT_BYTES * ARENA_SLOTS),
    slot: 0,
    dispatches: 0,
    submits: 0,
    copies: 0,
    keepAlive: [],
  };
  state = s;
  onDeviceDestroy(() => {
    state = undefined;
    resetPool();
  });
  return s;
}

/**
 * The bind group layout a kernel's WGSL declares: binding 0 a uniform slot with a DYNAMIC offset
 * (so one bind group serves every slot of the arena), then storage buffers read or read_write.
 * Layouts are shared by kernels with the same signature, and so are their bind groups.
 */
function layoutFor(s: State, code: string): { layout: GPUBindGroupLayout; id: string } {
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

function arena(s: State): GPUBuffer {
  s.arena ??= gpuSync().device.createBuffer({
    size: SLOT_BYTES * ARENA_SLOTS,
    usage: 0x40 | 0x08, // UNIFORM | COPY_DST
  });
  return s.arena;
}

function writeUniforms(s: State, values: readonly UniformValue[]): number {
  if (values.length * 4 > SLOT_BYTES) throw new Error('too many uniforms for one slot');
  if (s.slot === ARENA_SLOTS) flush();
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
  const offset = writeUniforms(s, uniforms);
  s.encoder ??= device.createCommandEncoder();
  if (s.profile) {
    // One pass per dispatch, with GPU timestamps at its start and end.
    if (s.pass) s.pass.end();
    const at = s.profile.pending.length;
    if (at * 2 + 2 > PROFILE_QUERIES) {
      s.pass = undefined;
      flush();
      return dispatch(k, uniforms, buffers, workgroups);
    }
    s.profile.pending.push(profileLabel ? `${profileLabel}/${k.name}` : k.name);
    s.pass = s.encoder.beginComputePass({ timestampWrites: { querySet: s.profile.querySet, beginningOfPassWriteIndex: at * 2, endOfPassWriteIndex: at * 2 + 1 } });
  }
  s.pass ??= s.encoder.beginComputePass();
  const group = bindGroupFor(s, k, buffers);
  s.pass.setPipeline(k.pipeline);
  s.pass.setBindGroup(0, group, [offset]);
  s.pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
  s.dispatches++;
}

// ---- Kernel profiler (GPU timestamps; adapters with 'timestamp-query') ----

const PROFILE_QUERIES = 4096;

interface Profile {
  readonly querySet: GPUQuerySet;
  readonly resolve: GPUBuffer;
  /** Kernel names of the open batch's dispatches, in order. */
  pending: string[];
  /** Staging buffers of submitted batches with their kernel names. */
  readonly batches: { staging: GPUBuffer; names: string[] }[];
}

let profileLabel = '';

/**
 * Runs `fn` with its dispatches labelled `label` in the profile (keys become `label/kernel`), so a
 * profile can split one kernel kind by phase (forward, backward, optimizer, Newton–Schulz). The
 * innermost label wins. Costs nothing when not profiling.
 */
export function withProfileLabel<T>(label: string, fn: () => T): T {
  const outer = profileLabel;
  profileLabel = label;
  try {
    return fn();
  } finally {
    profileLabel = outer;
  }
}

/** Starts timing every dispatch on the GPU (one pass each: slower, so only for profiling). */
export function startProfiling(): void {
  const s = st();
  const { device, features } = gpuSync();
  if (!features.includes('timestamp-query')) throw new Error('This adapter has no timestamp-query feature: kernel profiling is unavailable.');
  flush();
  s.profile = {
    querySet: device.createQuerySet({ type: 'timestamp', count: PROFILE_QUERIES }),
    resolve: device.createBuffer({ size: PROFILE_QUERIES * 8, usage: 0x0200 | 0x04 }), // QUERY_RESOLVE | COPY_SRC
    pending: [],
    batches: [],
  };
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
  const out = new Map<string, { ms: number; count: number }>();
  for (const { staging, names } of profile.batches) {
    await staging.mapAsync(0x01);
    const times = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    names.forEach((name, i) => {
      const ns = Number(times[2 * i + 1]! - times[2 * i]!);
      const entry = out.get(name) ?? { ms: 0, count: 0 };
      entry.ms += ns / 1e6;
      entry.count++;
      out.set(name, entry);
    });
  }
  profile.querySet.destroy();
  profile.resolve.destroy();
  return out;
}

function resolveProfile(s: State): void {
  const profile = s.profile;
  if (!profile || profile.pending.length === 0 || !s.encoder) return;
  const bytes = profile.pending.length * 16;
  const staging = gpuSync().device.createBuffer({ size: bytes, usage: 0x01 | 0x08 }); // MAP_READ | COPY_DST
  s.encoder.resolveQuerySet(profile.querySet, 0, profile.pending.length * 2, profile.resolve, 0);
  s.encoder.copyBufferToBuffer(profile.resolve, 0, staging, 0, bytes);
  profile.batches.push({ staging, names: profile.pending });
  profile.pending = [];
}

function bindGroupFor(s: State, k: Kernel, buffers: readonly PooledBuffer[]): GPUBindGroup {
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

/** A scratch buffer (e.g. for partial sums); release it with releaseBuffer. */
export { acquireBuffer };

/** Counters for tests and profiling. */
export function runtimeStats(): { dispatches: number; submits: number; copies: number; kernels: number; bindGroups: number; reads: number } {
  const s = st();
  return { dispatches: s.dispatches, submits: s.submits, copies: s.copies, kernels: s.kernels.size, bindGroups: s.bindGroups.size, reads: s.reads };
}
