import { defineConfig } from 'vitest/config';

// GPU tests share one device: one worker process, modules shared across files.
export default defineConfig({
  resolve: { conditions: ['@optimlab/source'] },
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
