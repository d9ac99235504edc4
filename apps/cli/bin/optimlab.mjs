#!/usr/bin/env node
// Runs the TypeScript CLI through tsx with the workspace's source condition (no build step). Dawn
// prints two "artificially reduced" limit warnings on every start; they are dropped from stderr,
// everything else passes through. Signals reach the CLI, which saves its state and exits.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
const child = spawn(process.execPath, [tsx, '--conditions=@optimlab/source', join(here, '..', 'src', 'main.ts'), ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'] });
const DAWN_NOISE = /^Warning: maxDynamic\w+PerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/;
let pending = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  const kept = lines.filter((l) => !DAWN_NOISE.test(l));
  if (kept.length) process.stderr.write(`${kept.join('\n')}\n`);
});
child.stderr.on('end', () => pending && !DAWN_NOISE.test(pending) && process.stderr.write(pending));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('close', (code, signal) => process.exit(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : 1)));
