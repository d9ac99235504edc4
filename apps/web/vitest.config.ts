import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

export default defineConfig({ ...sharedConfig, test: { ...sharedConfig.test, testTimeout: 300_000, hookTimeout: 300_000 } });
