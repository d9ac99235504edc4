/**
 * The runtime: kernels, dispatch batching, transfers and the profiler, one entry for the ops.
 * Its parts live in runtime/: state (per device), caches (pipelines, bind groups, the uniform
 * arena), execution (dispatch, flush, sync), transfers (upload, download) and the profiler.
 */
export { acquireBuffer } from './buffer.js';
export { kernel } from './runtime/caches.js';
export { copyBuffer, dispatch, flush, runtimeStats, startProfiling, stopProfiling, sync } from './runtime/execution.js';
export { withProfileLabel } from './runtime/profiler.js';
export { download, upload } from './runtime/transfers.js';
export type { Kernel, UniformValue } from './runtime/state.js';
