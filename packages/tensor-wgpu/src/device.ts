/**
 * The WebGPU device: acquisition (`navigator.gpu` in a browser; in Node, Dawn through npm `webgpu`,
 * which the package's `node` entry registers from node/dawn.ts), adapter description, error
 * surfacing and shutdown. This file uses no Node built-ins, so browsers can bundle it.
 *
 * There is one device per process. Uncaptured validation errors and device loss are recorded and
 * re-thrown by the next `sync()`/`flush()`, so no GPU error is ever silenced. Dawn keeps Node's event
 * loop alive while a device exists: call `destroyDevice()` when the work is done.
 */
import type { WebGpu, WebGpuAdapter, WebGpuDevice, WebGpuSupportedLimits } from './webgpu-types.js';

/** Which family of kernels fits this adapter (see ops/matmul for why they differ). */
export type KernelVariant = 'software' | 'hardware';

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly backend: string;
  /** true for CPU implementations of the API (Mesa lavapipe/llvmpipe, SwiftShader, WARP). */
  readonly isSoftware: boolean;
}

export interface Gpu {
  /** The WebGPU entry point (`navigator.gpu`, or Dawn's) the device came from. */
  readonly webgpu: WebGpu;
  readonly device: WebGpuDevice;
  readonly adapter: WebGpuAdapter;
  readonly info: AdapterDescription;
  readonly variant: KernelVariant;
  readonly limits: WebGpuSupportedLimits;
  readonly features: readonly string[];
  /** The smallest subgroup size the adapter may use, when the `subgroups` feature is enabled. */
  readonly subgroupMinSize: number | undefined;
}

/** Thrown when no adapter exists: the message says what is missing and how to fix it. */
export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}

/** Thrown for uncaptured WebGPU errors and device loss. */
export class GpuError extends Error {
  override name = 'GpuError';
}

/** Where the WebGPU entry point comes from when `navigator.gpu` is absent, and what to say when it fails. */
export interface WebGpuProvider {
  load(): Promise<WebGpu>;
  /** The fix to print when the entry point exists but offers no adapter. */
  readonly noAdapterHelp: string;
}

const BROWSER_NO_ADAPTER_HELP =
  'No WebGPU adapter: navigator.gpu.requestAdapter() returned null. WebGPU may be disabled or ' +
  'blocklisted on this device: check chrome://gpu (or about:support), turn on hardware ' +
  'acceleration, or try a browser with WebGPU (Chrome/Edge 113+, Safari 26+, Firefox 141+).';

const NO_WEBGPU_HELP =
  'This JavaScript environment has no WebGPU (navigator.gpu is undefined). In a browser use one ' +
  'with WebGPU (Chrome/Edge 113+, Safari 26+, Firefox 141+) on a secure origin (https or ' +
  'localhost). In Node, install Dawn (`npm install webgpu`) and import the package from Node, ' +
  'whose `node` export condition loads it.';

let provider: WebGpuProvider | undefined;

/** Sets where the WebGPU entry point comes from outside browsers (node/dawn.ts registers Dawn). */
export function setWebGpuProvider(next: WebGpuProvider): void {
  provider = next;
}

let current: Promise<Gpu> | undefined;
/** Dawn's GPU object: dropping it while a device lives crashed lavapipe's threads here. */
let navigatorKeepAlive: GPU | undefined;
let live: Gpu | undefined;
let pendingError: GpuError | undefined;
const onDestroy: Array<() => void> = [];

/** The process-wide GPU, created on first call. */
export function getGpu(): Promise<Gpu> {
  current ??= createGpu().then(
    (gpu) => (live = gpu),
    (err: unknown) => {
      current = undefined;
      throw err;
    },
  );
  return current;
}

/** The GPU if `getGpu()` has resolved; throws otherwise (ops are synchronous and need it). */
export function gpuSync(): Gpu {
  if (!live) throw new GpuError('The GPU is not initialised: `await getGpu()` before creating tensors.');
  return live;
}

/** Throws (once) the first uncaptured GPU error or device loss seen since the last check. */
export function throwPendingGpuError(): void {
  const err = pendingError;
  if (err) {
    pendingError = undefined;
    throw err;
  }
}

/** Registers cleanup to run before the device is destroyed (pools, caches). */
export function onDeviceDestroy(fn: () => void): void {
  onDestroy.push(fn);
}

/** Destroys the device so the process can exit; a later `getGpu()` makes a new one. */
export async function destroyDevice(): Promise<void> {
  if (!current) return;
  const gpu = await current.catch(() => undefined);
  current = undefined;
  live = undefined;
  for (const fn of onDestroy.splice(0)) fn();
  gpu?.device.destroy();
}

/** `navigator.gpu` when the environment has one (browsers, Deno), else the registered provider's. */
async function loadNavigatorGpu(): Promise<{ gpu: GPU; noAdapterHelp: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, noAdapterHelp: BROWSER_NO_ADAPTER_HELP };
  if (!provider) throw new NoAdapterError(NO_WEBGPU_HELP);
  navigatorKeepAlive = await provider.load();
  return { gpu: navigatorKeepAlive, noAdapterHelp: provider.noAdapterHelp };
}

/** The limits our kernels need, raised to what the adapter offers. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
] as const;

async function createGpu(): Promise<Gpu> {
  const { gpu: navigatorGpu, noAdapterHelp } = await loadNavigatorGpu();
  const adapter = await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterError(noAdapterHelp);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const features = [...adapter.features] as GPUFeatureName[];
  // timestamp-query for the kernel profiler; subgroups for the software matmul.
  const wanted = features.filter((f) => f === 'timestamp-query' || f === 'subgroups');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: wanted });
  device.addEventListener('uncapturederror', (event) => {
    const message = (event as GPUUncapturedErrorEvent).error.message;
    pendingError ??= new GpuError(`Uncaptured WebGPU error: ${message}`);
  });
  void device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') pendingError ??= new GpuError(`GPU device lost: ${lost.message}`);
  });
  const info = describeAdapter(adapter);
  return {
    webgpu: navigatorGpu,
    device,
    adapter,
    info,
    variant: info.isSoftware ? 'software' : 'hardware',
    limits: device.limits,
    features: [...device.features],
    subgroupMinSize: device.features.has('subgroups') ? adapter.info.subgroupMinSize : undefined,
  };
}

function describeAdapter(adapter: GPUAdapter): AdapterDescription {
  const raw = adapter.info as GPUAdapterInfo & { backendType?: string; adapterType?: string };
  const text = `${raw.vendor} ${raw.architecture} ${raw.device} ${raw.description}`.toLowerCase();
  const isSoftware =
    raw.adapterType === 'cpu' || /llvmpipe|lavapipe|swiftshader|warp|software/.test(text);
  return {
    vendor: raw.vendor,
    architecture: raw.architecture,
    device: raw.device,
    description: raw.description,
    backend: raw.backendType ?? 'not reported by this Dawn build',
    isSoftware,
  };
}
