import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // As in vitest.shared.ts: the autotuner's defaults only (no user cache read, no timing), here and
    // in the Node scripts the test runs from the packed packages (they inherit this environment).
    env: { OPTIMLAB_AUTOTUNE: 'off' },
  },
});
