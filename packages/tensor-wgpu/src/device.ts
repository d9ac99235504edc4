/**
 * The WebGPU device: acquisition (Dawn through npm `webgpu` in Node, `navigator.gpu` in a browser),
 * adapter description, error surfacing and shutdown.
 *
 * There is one device per process. Uncaptured validation errors and device loss are recorded and
 * re-thrown by the next `sync()`/`flush()`, so no GPU error is ever silenced. Dawn keeps Node's event
 * loop alive while a device exists: call `destroyDevice()` when the work is done.
 */

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
  readonly webgpu: GPU;
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly info: AdapterDescription;
  readonly variant: KernelVariant;
  readonly limits: GPUSupportedLimits;
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

const NO_ADAPTER_HELP =
  'No WebGPU adapter found. On a machine without a GPU optimlab runs on Mesa lavapipe (software ' +
  'Vulkan): run `bash scripts/setup-gpu.sh` as root (on Debian bookworm it installs ' +
  'mesa-vulkan-drivers 25.x from bookworm-backports; bookworm\'s own 22.3 is rejected by Dawn). ' +
  'With a GPU, install its Vulkan driver (libvulkan1 plus the vendor ICD).';

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

async function loadNavigatorGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  // Dawn warns without a runtime dir; any writable one will do.
  process.env['XDG_RUNTIME_DIR'] ??= (await import('node:os')).tmpdir();
  const dawn = (await import('webgpu')) as unknown as {
    create: (options: string[]) => GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, dawn.globals);
  const options = (process.env['OPTIMLAB_DAWN_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
  navigatorKeepAlive = dawn.create(options);
  return navigatorKeepAlive;
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
  const navigatorGpu = await loadNavigatorGpu();
  const adapter = await navigatorGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterError(NO_ADAPTER_HELP);
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
