/**
 * `@optimlab/tensor-wgpu/node`: the Node-only pieces, safetensors files on disk and atomic writes.
 * Importing it also registers Dawn, like the main entry does under Node.
 */
import './node/dawn.js';
import './node/tuning-file.js';

export { loadTensors, saveTensors, writeAtomically } from './io/safetensors-file.js';
export { fileTuningStore, tuningCachePath } from './node/tuning-file.js';
