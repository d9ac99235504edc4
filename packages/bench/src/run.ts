/**
 * `pnpm bench`: runs the suites (all by default; `--suite ns,optim,kernels,train` to pick), prints a
 * table per suite and writes one JSON per run under bench-results/ with the machine, adapter,
 * package versions, commit and time. `--compare A.json B.json` prints B/A for every shared cell.
 * Other flags: `--large` (big shapes), `--preset cpu|thesis|smoke`, `--batch N`. Flags are parsed
 * from the table below by @optimlab/flags, as the CLI's are: an unknown flag or a stray argument
 * is one line and exit code 2.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { destroyDevice, getGpu } from '@optimlab/tensor-wgpu';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { PRESET_NAMES, type PresetName } from '@optimlab/moe-model';
import { runScript, UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { printTable, type SuiteResult } from './harness.js';
import { tfjsPeer } from './tfjs-peer.js';
import { gramSpaceSuite, newtonSchulzSuite } from './suites/newton-schulz.js';
import { optimizerStepSuite } from './suites/optimizer-step.js';
import { kernelSuite } from './suites/kernels.js';
import { trainStepSuite } from './suites/train-step.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SUITES = ['ns', 'optim', 'kernels', 'train'];

const benchCommand: CommandSpec = {
  name: 'bench',
  program: 'pnpm',
  summary: 'the benchmark suites (all by default), or B/A of two earlier results',
  positional: '[A.json B.json] (with --compare)',
  maxPositionals: 2,
  flags: {
    suite: { kind: 'list', choices: SUITES, help: `the suites to run (default: all: ${SUITES.join(',')})` },
    large: { kind: 'switch', help: 'large shapes too (Newton–Schulz, kernels)' },
    preset: { kind: 'string', choices: PRESET_NAMES, help: 'the model of the optimizer and train suites (default: cpu)' },
    batch: { kind: 'int', min: 1, max: 1024, help: 'sequences per micro-batch in the train suite (default: 8)' },
    compare: { kind: 'switch', help: 'print B/A for every cell two result files share, and run nothing' },
  },
};

function fail(message: string): never {
  throw new UsageError(`pnpm bench: ${message}`);
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

async function main({ flags, positional }: Parsed): Promise<void> {
  if (flags['compare']) {
    const [a, b] = positional;
    if (!a || !b) fail('--compare needs two result files: --compare A.json B.json.');
    return compare(a, b);
  }
  if (positional.length > 0) fail(`takes no arguments without --compare, got "${positional[0]}" (see --help).`);
  const suites = (flags['suite'] as string[] | undefined) ?? SUITES;
  const preset = (flags['preset'] as PresetName | undefined) ?? 'cpu';
  const batch = (flags['batch'] as number | undefined) ?? 8;
  const large = flags['large'] === true;
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
    args: process.argv.slice(2),
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

runScript(benchCommand, main);
