// Exit 0 when Dawn (npm `webgpu`) finds a WebGPU adapter on this machine, 1 otherwise.
// Used by setup-gpu.sh to decide whether lavapipe must be installed.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../packages/tensor-wgpu/package.json', import.meta.url));
const { create } = require('webgpu');
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) { console.error('no WebGPU adapter'); process.exit(1); }
const info = adapter.info;
console.log(`${info.vendor} ${info.architecture} ${info.description}`);
process.exit(0);
