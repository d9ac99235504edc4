#!/usr/bin/env node
// Runs the TypeScript CLI with tsx's loader (`node --import tsx`) and the workspace's source
// condition (no build step). Dawn prints two "artificially reduced" limit warnings on every start;
// they are dropped from stderr, everything else passes through. Signals are passed on to the CLI
// process as they come: no intermediate process (tsx's own CLI would SIGKILL a process that does
// not acknowledge a signal within 30 ms, which a worker busy in a training step cannot).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tsx = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
const child = spawn(process.execPath, ['--conditions=@optimlab/source', '--import', tsx, join(here, '..', 'src', 'main.ts'), ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'pipe'] });
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
