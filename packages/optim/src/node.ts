/**
 * `@optimlab/optim/node`: the Node-only pieces, optimizer checkpoints as safetensors files.
 * Everything else is in the main entry, which runs in browsers too.
 */
export { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
