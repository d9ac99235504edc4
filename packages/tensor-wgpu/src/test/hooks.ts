/**
 * GPU test hooks shared by every package's test setup (passed vitest's functions, so the library
 * does not depend on vitest): acquire the GPU once per file — a missing adapter FAILS the suite
 * with the fix in the message, GPU tests never skip — destroy it after (Dawn crashes a process
 * that exits with a live device), and register `toBeAllclose`.
 */
import { destroyDevice, getGpu } from '../device.js';
import { allclose } from './allclose.js';

interface VitestApi {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
  // vitest's matcher typing is its own; any keeps this file free of a vitest dependency.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect: { extend(matchers: any): void };
}

export function installGpuTestHooks({ beforeAll, afterAll, expect }: VitestApi): void {
  beforeAll(async () => {
    await getGpu();
  });
  afterAll(async () => {
    await destroyDevice();
  });
  expect.extend({
    toBeAllclose(received: ArrayLike<number>, expected: ArrayLike<number>, options: { rtol?: number; atol?: number } = {}) {
      const result = allclose(received, expected, options);
      return { pass: result.ok, message: () => result.message };
    },
  });
}
