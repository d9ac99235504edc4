/**
 * The kernel profiler's parts (GPU timestamps; adapters with 'timestamp-query'): labels, one
 * timed pass per dispatch, resolving a batch's timestamps at submit, and summing them at the end.
 * startProfiling/stopProfiling (execution.ts) switch it on and off around a flush.
 */
import { gpuSync } from '../device.js';
import type { Profile, State } from './state.js';
import type { WebGpuCommandEncoder, WebGpuComputePassEncoder } from '../webgpu-types.js';

const PROFILE_QUERIES = 4096;
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

/** A new profile; throws where the adapter cannot time kernels. */
export function newProfile(): Profile {
  const { device, features } = gpuSync();
  if (!features.includes('timestamp-query')) throw new Error('This adapter has no timestamp-query feature: kernel profiling is unavailable.');
  return {
    querySet: device.createQuerySet({ type: 'timestamp', count: PROFILE_QUERIES }),
    resolve: device.createBuffer({ size: PROFILE_QUERIES * 8, usage: 0x0200 | 0x04 }), // QUERY_RESOLVE | COPY_SRC
    pending: [],
    batches: [],
  };
}

/** A timed compute pass for one dispatch of `kernelName`; undefined when the batch's queries are used up (flush first). */
export function timedPass(profile: Profile, encoder: WebGpuCommandEncoder, kernelName: string): WebGpuComputePassEncoder | undefined {
  const at = profile.pending.length;
  if (at * 2 + 2 > PROFILE_QUERIES) return undefined;
  profile.pending.push(profileLabel ? `${profileLabel}/${kernelName}` : kernelName);
  return encoder.beginComputePass({ timestampWrites: { querySet: profile.querySet, beginningOfPassWriteIndex: at * 2, endOfPassWriteIndex: at * 2 + 1 } });
}

/** Before a submit: copies the batch's timestamps to a staging buffer. */
export function resolveProfile(s: State): void {
  const profile = s.profile;
  if (!profile || profile.pending.length === 0 || !s.encoder) return;
  const bytes = profile.pending.length * 16;
  const staging = gpuSync().device.createBuffer({ size: bytes, usage: 0x01 | 0x08 }); // MAP_READ | COPY_DST
  s.encoder.resolveQuerySet(profile.querySet, 0, profile.pending.length * 2, profile.resolve, 0);
  s.encoder.copyBufferToBuffer(profile.resolve, 0, staging, 0, bytes);
  profile.batches.push({ staging, names: profile.pending });
  profile.pending = [];
}

/** Total GPU milliseconds per kernel name and how often each ran; frees the profile's buffers. */
export async function readProfile(profile: Profile): Promise<Map<string, { ms: number; count: number }>> {
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
