/** Test setup: the GPU per file (never skipped) and `toBeAllclose` (tensor-wgpu's test hooks). */
import { afterAll, beforeAll, expect } from 'vitest';
import { installGpuTestHooks } from '@optimlab/tensor-wgpu/testing';

installGpuTestHooks({ beforeAll, afterAll, expect });

declare module 'vitest' {
  interface Assertion<T> {
    toBeAllclose(expected: ArrayLike<number>, options?: { rtol?: number; atol?: number }): T;
  }
}
