/** Test setup: see test/hooks.ts. */
import '../node/dawn.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { installGpuTestHooks } from './hooks.js';
import './matchers.js';

installGpuTestHooks({ beforeAll, afterAll, expect });
