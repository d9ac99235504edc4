/**
 * The WebGPU types that appear in this package's published declarations, looked up on `globalThis`
 * rather than named. A consumer whose TypeScript knows WebGPU (lib.dom since TypeScript 6, or
 * @webgpu/types) sees the real types; one without them still compiles, and sees `unknown`. Naming
 * the globals directly failed to compile without WebGPU types, and making every consumer load
 * @webgpu/types clashed with TypeScript 6's own lib.dom.
 */
type FromGlobal<K extends string> = typeof globalThis extends Record<K, { prototype: infer T }> ? T : unknown;

export type WebGpu = FromGlobal<'GPU'>;
export type WebGpuAdapter = FromGlobal<'GPUAdapter'>;
export type WebGpuDevice = FromGlobal<'GPUDevice'>;
export type WebGpuBuffer = FromGlobal<'GPUBuffer'>;
export type WebGpuSupportedLimits = FromGlobal<'GPUSupportedLimits'>;
export type WebGpuComputePipeline = FromGlobal<'GPUComputePipeline'>;
export type WebGpuBindGroupLayout = FromGlobal<'GPUBindGroupLayout'>;
export type WebGpuBindGroup = FromGlobal<'GPUBindGroup'>;
export type WebGpuCommandEncoder = FromGlobal<'GPUCommandEncoder'>;
export type WebGpuComputePassEncoder = FromGlobal<'GPUComputePassEncoder'>;
export type WebGpuQuerySet = FromGlobal<'GPUQuerySet'>;
