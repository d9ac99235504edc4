/**
 * `pnpm bench`: runs the suites (all by default; `--suite ns,optim,kernels,train` to pick), prints a
 * table per suite and writes one JSON per run under bench-results/ with the machine, adapter,
 * package versions, commit and time. `--compare A.json B.json` prints B/A for every shared cell.
 * Other flags: `--large` (big shapes), `--preset cpu|thesis|smoke`, `--batch N`.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { destroyDevice, getGpu } from '@optimlab/tensor-wgpu';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { PRESET_NAMES, type PresetName } from '@optimlab/moe-model';
import { printTable, type SuiteResult } from './harness.js';
import { tfjsPeer } from './tfjs-peer.js';
import { gramSpaceSuite, newtonSchulzSuite } from './suites/newton-schulz.js';
import { optimizerStepSuite } from './suites/optimizer-step.js';
import { kernelSuite } from './suites/kernels.js';
import { trainStepSuite } from './suites/train-step.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const USAGE = `usage: pnpm bench [--suite ns,optim,kernels,train] [--large] [--preset ${PRESET_NAMES.join('|')}] [--batch N] | --compare A.json B.json`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function compare(aPath: string, bPath: string): void {
  const load = (p: string): { suites: SuiteResult[]; meta: Record<string, unknown> } => {
    try {
      // Paths are relative to where `pnpm bench` was typed (pnpm runs us in packages/bench).
      return JSON.parse(readFileSync(resolve(process.env['INIT_CWD'] ?? process.cwd(), p), 'utf8'));
    } catch {
      return fail(`Cannot read benchmark result ${p}.`);
    }
  };
  const [a, b] = [load(aPath), load(bPath)];
  console.log(`B/A: A = ${aPath} (${String(a.meta['timestamp'])}), B = ${bPath} (${String(b.meta['timestamp'])})`);
  for (const sb of b.suites) {
    const sa = a.suites.find((s) => s.suite === sb.suite);
    if (!sa) continue;
    const rows = sb.rows.flatMap((rb) => {
      const key = Object.keys(rb)[0]!;
      const ra = sa.rows.find((r) => r[key] === rb[key]);
      if (!ra) return [];
      const out: Record<string, string | number> = { [key]: rb[key]! };
      for (const [col, v] of Object.entries(rb)) if (typeof v === 'number' && typeof ra[col] === 'number') out[`${col} B/A`] = v / (ra[col] as number);
      return [out];
    });
    printTable(sb.suite, rows);
  }
}

async function main(): Promise<void> {
  if (args.includes('--compare')) {
    const i = args.indexOf('--compare');
    const [a, b] = [args[i + 1], args[i + 2]];
    if (!a || !b) fail('--compare needs two result files.');
    return compare(a, b);
  }
  const known = ['ns', 'optim', 'kernels', 'train'];
  const suites = (flag('suite') ?? known.join(',')).split(',');
  for (const s of suites) if (!known.includes(s)) fail(`Unknown suite "${s}". Known: ${known.join(', ')}.`);
  const preset = (flag('preset') ?? 'cpu') as PresetName;
  if (!PRESET_NAMES.includes(preset)) fail(`Unknown preset "${preset}" (known: ${PRESET_NAMES.join(', ')}).`);
  const batch = Number(flag('batch') ?? 8);
  if (!Number.isInteger(batch) || batch < 1) fail(`--batch must be a positive integer, got ${flag('batch')}.`);
  const large = args.includes('--large');
  const gpu = await getGpu();
  const peer = await tfjsPeer(gpu);
  const meta = {
    timestamp: new Date().toISOString(),
    commit: (() => {
      try {
        return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
      } catch {
        return 'unknown';
      }
    })(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    adapter: gpu.info,
    versions: Object.fromEntries(
      ['tensor-wgpu', 'optim', 'moe-model'].map((p) => [p, JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).version]),
    ),
    peer: `tfjs-backend-webgpu ${peer.version}`,
    args,
  };
  console.log(`adapter: ${gpu.info.description} (${gpu.info.isSoftware ? 'software' : 'hardware'}); peer: ${meta.peer}; commit ${meta.commit}`);
  const results: SuiteResult[] = [];
  const run = async (r: Promise<SuiteResult>): Promise<void> => {
    const result = await r;
    printTable(result.suite, result.rows);
    results.push(result);
  };
  if (suites.includes('ns')) {
    await run(newtonSchulzSuite({ large }));
    await run(gramSpaceSuite({ large }));
  }
  if (suites.includes('optim')) await run(optimizerStepSuite({ preset }));
  if (suites.includes('kernels')) await run(kernelSuite({ large, gpu, peer }));
  if (suites.includes('train')) await run(trainStepSuite({ preset, batch }));
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${meta.timestamp.replace(/[:.]/g, '-')}.json`);
  await writeAtomically(file, JSON.stringify({ meta, suites: results }, null, 2));
  console.log(`\nwrote ${file}`);
  peer.tf.removeBackend('webgpu');
  await destroyDevice();
}

await main();
