/**
 * The runtime's state for the current device: caches, the open batch (encoder, pass, uniform
 * slots), counters and the profile. Created on first use; dropped (with the buffer pool) when the
 * device is destroyed.
 */
import { resetPool } from '../buffer.js';
import { onDeviceDestroy } from '../device.js';
import type { WebGpuBindGroup, WebGpuBindGroupLayout, WebGpuBuffer, WebGpuCommandEncoder, WebGpuComputePassEncoder, WebGpuComputePipeline, WebGpuQuerySet } from '../webgpu-types.js';

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

export const SLOT_BYTES = 256; // minUniformBufferOffsetAlignment
export const ARENA_SLOTS = 256;

/** GPU timestamps of every dispatch while profiling (see profiler.ts). */
export interface Profile {
  readonly querySet: WebGpuQuerySet;
  readonly resolve: WebGpuBuffer;
  /** Kernel names of the open batch's dispatches, in order. */
  pending: string[];
  /** Staging buffers of submitted batches with their kernel names. */
  readonly batches: { staging: WebGpuBuffer; names: string[] }[];
}

export interface State {
  kernels: Map<string, Kernel>;
  bindGroups: Map<string, { group: WebGpuBindGroup }>;
  layouts: Map<string, WebGpuBindGroupLayout>;
  profile: Profile | undefined;
  /** Readbacks to the CPU so far (tests check a training step makes none it was not asked for). */
  reads: number;
  encoder: WebGpuCommandEncoder | undefined;
  pass: WebGpuComputePassEncoder | undefined;
  /** Uniform slots of the open batch; rewritten per submit (queue order keeps that safe). */
  arena: WebGpuBuffer | undefined;
  uniformData: ArrayBuffer;
  slot: number;
  dispatches: number;
  submits: number;
  copies: number;
  keepAlive: unknown[];
}

let state: State | undefined;

export function st(): State {
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
