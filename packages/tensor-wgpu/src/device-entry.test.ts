/**
 * Where the WebGPU entry point comes from, and what NoAdapterError says in each environment: a
 * browser's message must not send users to a repository script. Each case loads a fresh copy of
 * device.ts (the shared one holds this worker's live device) with `navigator` stubbed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

async function freshDevice(): Promise<typeof import('./device.js')> {
  vi.resetModules();
  return import('./device.js');
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('WebGPU entry point', () => {
  it('a browser whose navigator.gpu offers no adapter: NoAdapterError about the browser, not setup scripts', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => null } });
    const device = await freshDevice();
    const err = await device.getGpu().then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(device.NoAdapterError);
    expect(err!.message).toMatch(/navigator\.gpu\.requestAdapter\(\) returned null/);
    expect(err!.message).toMatch(/chrome:\/\/gpu/);
    expect(err!.message).not.toMatch(/setup-gpu|apt-get|lavapipe|Vulkan/);
  });

  it('no navigator.gpu and no Dawn registered (a bundle in a runtime without WebGPU): says what to install', async () => {
    vi.stubGlobal('navigator', {});
    const device = await freshDevice();
    const err = await device.getGpu().then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(device.NoAdapterError);
    expect(err!.message).toMatch(/navigator\.gpu is undefined/);
    expect(err!.message).toMatch(/npm install webgpu/);
  });

  it('Node with Dawn registered and no adapter: the lavapipe help', async () => {
    vi.stubGlobal('navigator', undefined);
    const device = await freshDevice();
    const fakeDawn = { requestAdapter: async () => null } as unknown as GPU;
    device.setWebGpuProvider({ load: async () => fakeDawn, noAdapterHelp: 'install lavapipe' });
    await expect(device.getGpu()).rejects.toThrow('install lavapipe');
  });
});
