/**
 * A static build (`pnpm --filter @optimlab/web build` → dist/, servable from any folder: base
 * './'). Workspace packages resolve to their TypeScript sources through `@optimlab/source`.
 */
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  base: './',
  resolve: { conditions: ['@optimlab/source', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { outDir: 'dist', target: 'es2022' },
});
