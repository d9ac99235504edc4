/**
 * The package's entry under Node's `node` export condition: the whole public surface of index.ts,
 * with Dawn (npm `webgpu`) registered as the WebGPU entry point. Types are index.ts's.
 */
import './node/dawn.js';
import './node/tuning-file.js';

export * from './index.js';
