import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// No GPU here: the shared options without the GPU setup file.
export default defineConfig({ ...sharedConfig, test: { ...sharedConfig.test, setupFiles: [] } });
