import { defineConfig } from 'vitest/config';

// GPU tests share one device: one worker process, modules shared across files.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (no build step).
  resolve: { conditions: ['@optimlab/source'] },
  ssr: { resolve: { conditions: ['@optimlab/source'], externalConditions: ['@optimlab/source'] } },
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
