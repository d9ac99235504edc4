/**
 * Vitest options every package shares: workspace packages resolve to their TypeScript sources,
 * and GPU tests share one device per worker (one process, modules shared across files).
 */
import type { UserConfig } from 'vitest/config';

export const sharedConfig: UserConfig = {
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
    // The kernel autotuner's defaults only: no user cache read, no timing (its own tests opt in).
    env: { OPTIMLAB_AUTOTUNE: 'off' },
  },
};
