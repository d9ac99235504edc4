/**
 * Test setup: acquires the GPU once (a missing adapter FAILS the suite with the fix in the
 * message; GPU tests never skip) and registers `toBeAllclose`.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { destroyDevice, getGpu } from '../device.js';
import { allclose } from './allclose.js';

beforeAll(async () => {
  await getGpu();
});

// Dawn crashes a process that exits with a live device: destroy it after each file.
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
