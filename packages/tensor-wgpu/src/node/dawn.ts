/**
 * Dawn in Node: registers npm `webgpu` (an optional peer dependency) as the WebGPU entry point
 * when `navigator.gpu` is absent. Importing this module is its whole effect; the package's `node`
 * export condition and its `./node` subpath import it, browsers never see it.
 *
 * Options for Dawn come from OPTIMLAB_DAWN_OPTIONS (space-separated, e.g. `backend=vulkan`).
 */
import { tmpdir } from 'node:os';
import { NoAdapterError, setWebGpuProvider } from '../device.js';

const NODE_NO_ADAPTER_HELP =
  'No WebGPU adapter found: Dawn (npm `webgpu`) found no Vulkan/Metal/D3D12 driver. With a GPU, ' +
  'install its Vulkan driver (libvulkan1 plus the vendor ICD). Without one, install Mesa lavapipe ' +
  '(software Vulkan) 24 or newer: on Debian bookworm, mesa-vulkan-drivers from bookworm-backports ' +
  '(bookworm\'s own 22.3 is rejected by Dawn); in the optimlab repository `bash scripts/setup-gpu.sh` ' +
  'does this as root.';

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

async function loadDawn(): Promise<GPU> {
  // Dawn warns without a runtime dir; any writable one will do.
  process.env['XDG_RUNTIME_DIR'] ??= tmpdir();
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    throw new NoAdapterError(
      `WebGPU in Node needs Dawn, the optional peer dependency \`webgpu\`: run \`npm install webgpu\` ` +
        `(it could not be imported: ${(err as Error).message.split('\n')[0]}).`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  const options = (process.env['OPTIMLAB_DAWN_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
  return dawn.create(options);
}

setWebGpuProvider({ load: loadDawn, noAdapterHelp: NODE_NO_ADAPTER_HELP });
