/** Test setup: the GPU once per file (never skipped), and the `toBeAllclose` matcher. */
import { afterAll, beforeAll, expect } from 'vitest';
import { allclose, destroyDevice, getGpu } from '@optimlab/tensor-wgpu';

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

declare module 'vitest' {
  interface Assertion<T> {
    toBeAllclose(expected: ArrayLike<number>, options?: { rtol?: number; atol?: number }): T;
  }
}
