/**
 * Faults in folders, as a careless user or a crash leaves them: another run's result.json copied
 * in, a finished result without a loss, a sweep or train folder re-used with other settings or
 * data, a run folder replaced by a file, a torn log line, a flipped checkpoint byte, an old
 * checkpoint without checksums, diverged weights, and SIGTERM while a large BPE trains. Each
 * case checks the exit code and stderr, and for refusals that the folder is left exactly as it
 * was (nothing created, nothing relabelled). In-process through `cli()`, one real binary for the signal.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRunConfig } from '@optimlab/moe-model';
import { decodeSafetensors, encodeSafetensors } from '@optimlab/tensor-wgpu';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from './cli.js';
import { configKey } from './config-key.js';
import { readResult } from './runs.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'optimlab.mjs');
let root: string;
let small: string; // a small corpus
let other: string; // another small corpus
let runA: string; // adamw lr 0.05, 2 steps, finished
let runB: string; // adamw lr 0.1, 2 steps, finished
let sweep: string; // a sweep over lr=0.05,0.1 at 2 steps

async function inProcess(args: readonly string[]): Promise<{ code: number; errors: string[]; warnings: string[] }> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void warnings.push(a.join(' ')));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await cli(args), errors, warnings };
  } finally {
    [err, warn, log, write].forEach((s) => s.mockRestore());
  }
}

/** Every file under `dir` with its contents: equal trees, nothing created, removed or relabelled. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** A copy of a finished run folder, to damage. */
function copyRun(from: string, name: string): string {
  const to = join(root, name);
  cpSync(from, to, { recursive: true });
  return to;
}

/** The byte offset (in the file) of the first data byte of tensor `name` in a safetensors file. */
function dataOffset(bytes: Uint8Array, name: string): number {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
  return 8 + n + header[name]!.data_offsets[0];
}

const train = (out: string, ...more: string[]): string[] => ['train', '--preset', 'smoke', '--optimizer', 'adamw', '--steps', '2', '--out', out, '--quiet', '--corpus', small, ...more];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'optimlab-fault-'));
  process.env['INIT_CWD'] = root;
  const text = (i: number, word: string): string => `Address ${i}. The ${word} shall make no law respecting an establishment of religion, number ${i}. `.repeat(40);
  small = join(root, 'small.jsonl');
  other = join(root, 'other.jsonl');
  writeFileSync(small, Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: text(i, 'Congress') })).join('\n'));
  writeFileSync(other, Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: text(i, 'Senate') })).join('\n'));
  runA = join(root, 'run-a');
  runB = join(root, 'run-b');
  sweep = join(root, 'sweep');
  for (const [args, what] of [[train(runA, '--lr', '0.05'), 'run A'], [train(runB, '--lr', '0.1'), 'run B'], [['sweep', '--preset', 'smoke', '--optimizer', 'adamw', '--grid', 'lr=0.05,0.1', '--steps', '2', '--out', sweep, '--quiet', '--corpus', small], 'the sweep']] as const) {
    const r = await inProcess(args);
    expect(r.code, `${what}: ${r.errors.join('\n')}`).toBe(0);
  }
}, 300_000);

afterAll(() => {
  delete process.env['INIT_CWD'];
  rmSync(root, { recursive: true, force: true });
});

describe('results must belong to their folder', () => {
  it('another run’s result.json copied into a run folder is foreign: ignored with a warning, and the run made again', async () => {
    const b = copyRun(runB, 'foreign');
    copyFileSync(join(runA, 'result.json'), join(b, 'result.json'));
    const r = await inProcess(train(b, '--lr', '0.1'));
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/foreign\/result.json is not this folder's result \(its configuration key \w+ is not the folder's \(\w+\)\): a foreign result; the run is made again/);
    const made = readResult(b)!;
    expect(made.optimizer.learningRate).toBe(0.1);
    expect(made.configKey).toBe(configKey(resolveRunConfig(JSON.parse(readFileSync(join(b, 'config.json'), 'utf8')))));
  });

  it('a result checked against the run asked for: its id and its config key must both match', () => {
    const train = resolveRunConfig(JSON.parse(readFileSync(join(runA, 'config.json'), 'utf8')));
    const spec = { id: 'train', phase: 'train', label: 'adamw', horizon: 'long' as const, train };
    expect(readResult(runA, spec)?.configKey).toBe(configKey(train));
    expect(readResult(runA, { ...spec, id: 'another-run' })).toBeUndefined(); // a study's folder named for another run
    expect(readResult(runA, { ...spec, train: { ...train, seed: 7 } })).toBeUndefined(); // same id, another config
  });

  it('a foreign result in a sweep is not reported as that combination', async () => {
    const s = join(root, 'sweep-foreign');
    cpSync(sweep, s, { recursive: true });
    const [low, high] = ['lr_0.05', 'lr_0.1'].map((id) => join(s, 'runs', id));
    copyFileSync(join(low!, 'result.json'), join(high!, 'result.json')); // lr 0.05's result under lr 0.1's folder
    const r = await inProcess(['report', s]);
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/lr_0.1\/result.json is not this folder's result/);
    const table = readFileSync(join(s, 'sweep.md'), 'utf8');
    expect(table).toMatch(/\| lr 0.05 \|/);
    expect(table).not.toMatch(/\| lr 0.1 \|/); // left out, not shown with lr 0.05's numbers
  });

  it('a result marked finished without a finite final loss is incomplete: made again, with a warning', async () => {
    const b = copyRun(runB, 'no-loss');
    const result = JSON.parse(readFileSync(join(b, 'result.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(b, 'result.json'), JSON.stringify({ ...result, finalLoss: null }));
    const r = await inProcess(train(b, '--lr', '0.1'));
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/no-loss\/result.json is unreadable or incomplete \(not a finished run with a finite final loss\); the run is made again/);
    expect(Number.isFinite(readResult(b)!.finalLoss)).toBe(true);
  });
});

describe('folders are tied to all their settings and data', () => {
  it.each([
    ['another optimizer', ['--optimizer', 'lion'], /holds a sweep with other settings \(config.optimizer.name/],
    ['other --steps', ['--optimizer', 'adamw', '--steps', '3'], /holds a sweep with other settings \(config.steps\)/],
    ['another seed', ['--optimizer', 'adamw', '--seed', '7'], /holds a sweep with other settings \(config.seed\)/],
    ['another corpus', ['--optimizer', 'adamw', '--corpus', 'OTHER'], /holds a sweep with other settings \(corpus, data\)/],
    ['another grid', ['--optimizer', 'adamw', '--grid', 'lr=0.05'], /holds a sweep with other settings \(grid/],
  ])('a sweep folder re-used with %s is refused in one line, naming the fields; nothing is relabelled', async (_, more, message) => {
    const before = tree(sweep);
    const args = ['sweep', '--preset', 'smoke', '--grid', 'lr=0.05,0.1', '--steps', '2', '--out', sweep, '--quiet', '--corpus', small, ...more.map((m) => (m === 'OTHER' ? other : m))];
    // The last --grid/--corpus given wins (node's parseArgs).
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
    expect(r.errors[0]).toMatch(/use another --out; a sweep folder never mixes runs\.$/);
    expect(tree(sweep)).toEqual(before);
  });

  it('the same sweep again resumes: nothing is made again', async () => {
    const before = tree(sweep);
    const r = await inProcess(['sweep', '--preset', 'smoke', '--optimizer', 'adamw', '--grid', 'lr=0.05,0.1', '--steps', '2', '--out', sweep, '--quiet', '--corpus', small]);
    expect(r.code, r.errors.join('\n')).toBe(0);
    const after = tree(sweep);
    for (const f of Object.keys(before).filter((k) => k.startsWith('runs/'))) expect(after[f], f).toBe(before[f]);
  });

  it('a train folder re-used with another corpus (same tokenizer file) is refused, naming the data', async () => {
    const t = join(root, 'same-tokenizer');
    const tokenizer = join(runA, 'tokenizer.json');
    expect((await inProcess(train(t, '--tokenizer', tokenizer))).code).toBe(0);
    const before = tree(t);
    const r = await inProcess([...train(t, '--tokenizer', tokenizer), '--corpus', other]);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([expect.stringMatching(/same-tokenizer holds a run with other settings \(data\): use another --out, or --force to start it over\.$/)]);
    expect(tree(t)).toEqual(before);
  });

  it('a run folder replaced by a file is one line (exit 2), not ENOTDIR with a stack', async () => {
    const s = join(root, 'sweep-file');
    cpSync(sweep, s, { recursive: true });
    rmSync(join(s, 'runs', 'lr_0.1'), { recursive: true });
    writeFileSync(join(s, 'runs', 'lr_0.1'), 'not a folder');
    const before = tree(s);
    const r = await inProcess(['sweep', '--preset', 'smoke', '--optimizer', 'adamw', '--grid', 'lr=0.05,0.1', '--steps', '2', '--out', s, '--quiet', '--corpus', small]);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([expect.stringMatching(/runs\/lr_0.1 should be a run folder but is a file: move it away, then run again\.$/)]);
    expect(tree(s)).toEqual(before);
  });
});

describe('logs and checkpoints read back', () => {
  it('a torn last line in log.jsonl is dropped with a warning and the run resumes', async () => {
    const a = copyRun(runA, 'torn');
    rmSync(join(a, 'result.json'));
    appendFileSync(join(a, 'log.jsonl'), '{"type":"step","step":3,"lo');
    const r = await inProcess(train(a, '--lr', '0.05'));
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/torn\/log.jsonl: the last line is torn \(\d+ characters\); dropped\./);
    const result = readResult(a)!;
    expect(result.finalLoss).toBe(readResult(runA)!.finalLoss); // the same run, resumed at its end
    expect(readFileSync(join(a, 'log.jsonl'), 'utf8')).not.toContain('"lo\n');
  });

  it('a flipped byte inside a checkpoint tensor is refused on resume and by sample, naming the tensor; nothing changes', async () => {
    const a = copyRun(runA, 'flipped');
    rmSync(join(a, 'result.json')); // unfinished: train resumes from the checkpoint
    const file = join(a, 'checkpoint.safetensors');
    const bytes = new Uint8Array(readFileSync(file));
    bytes[dataOffset(bytes, 'param/embed.weight') + 101]! ^= 0x10;
    writeFileSync(file, bytes);
    const before = tree(a);
    const resume = await inProcess(train(a, '--lr', '0.05'));
    expect(resume.code).toBe(2);
    expect(resume.errors).toEqual([expect.stringMatching(/flipped\/checkpoint.safetensors is not a usable checkpoint \(.*tensor "param\/embed.weight" fails its checksum .*\): delete it to start the run over\.$/)]);
    const sample = await inProcess(['sample', a]);
    expect(sample.code).toBe(2);
    expect(sample.errors).toEqual([expect.stringMatching(/flipped\/checkpoint.safetensors is not a usable checkpoint \(it is not a valid safetensors file: tensor "param\/embed.weight" fails its checksum/)]);
    expect(tree(a)).toEqual(before);
  });

  it('a checkpoint without checksums (older optimlab) still loads, with a warning', async () => {
    const a = copyRun(runA, 'old-checkpoint');
    const file = join(a, 'checkpoint.safetensors');
    const bytes = new Uint8Array(readFileSync(file));
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as { __metadata__: Record<string, string> };
    delete header.__metadata__['crc32'];
    bytes.set(new TextEncoder().encode(JSON.stringify(header).padEnd(n, ' ')), 8);
    writeFileSync(file, bytes);
    const r = await inProcess(['sample', a, '--tokens', '2']);
    expect(r.code, r.errors.join('\n')).toBe(0);
    expect(r.warnings.join('\n')).toMatch(/old-checkpoint\/checkpoint.safetensors has no checksums \(made by an older optimlab\): sampling from it unverified/);
    rmSync(join(a, 'result.json'));
    const resumed = await inProcess(train(a, '--lr', '0.05'));
    expect(resumed.code, resumed.errors.join('\n')).toBe(0);
    expect(resumed.warnings.join('\n')).toMatch(/has no checksums \(made by an older optimlab\): resuming from it unverified/);
  });

  it('sample refuses non-finite weights, naming the parameter', async () => {
    const a = copyRun(runA, 'nan-weights');
    const file = join(a, 'checkpoint.safetensors');
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(file)));
    (tensors['param/norm.weight']!.data as Float32Array)[3] = NaN;
    const { crc32: _, ...rest } = metadata;
    writeFileSync(file, encodeSafetensors(tensors, rest)); // valid checksums over the NaN
    const r = await inProcess(['sample', a]);
    expect(r.code).toBe(2);
    expect(r.errors).toEqual([expect.stringMatching(/nan-weights\/checkpoint.safetensors: parameter "norm.weight" holds NaN \(element 3\): the run diverged before this checkpoint/)]);
  });
});

describe('signals during long set-up', () => {
  it('SIGTERM while a large BPE trains ends the process at once, leaving no temp file and no run folder', async () => {
    const work = join(root, 'sigterm');
    mkdirSync(work);
    const big = join(work, 'big.jsonl');
    writeFileSync(big, Array.from({ length: 400 }, (_, i) => JSON.stringify({ text: `Report ${i}: ${Array.from({ length: 300 }, (_, j) => `word${(i * 7919 + j * 104729) % 50000}`).join(' ')}.` })).join('\n'));
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ preset: 'smoke', optimizer: { name: 'adamw' }, steps: 2, model: { vocabSize: 200_000 } }));
    const child = spawn(process.execPath, [bin, 'train', '--config', config, '--corpus', big, '--out', join(work, 'run'), '--json'], { env: { ...process.env, INIT_CWD: work }, stdio: ['ignore', 'pipe', 'pipe'], detached: true }); // its own process group, to clean up
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait until the corpus is loaded and the BPE is training (the cache folder exists, no tokenizer in it yet).
    const cache = join(work, '.optimlab-cache');
    const deadline = performance.now() + 60_000;
    while (!existsSync(cache) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    const sent = performance.now();
    child.kill('SIGTERM');
    // A process that ignores the signal is killed after 10 s with its child (and the test fails), never left behind.
    const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    expect(performance.now() - sent, stderr).toBeLessThan(5_000);
    expect(code).toBe(143);
    expect(readdirSync(cache).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readdirSync(cache).filter((f) => f.startsWith('bpe-'))).toEqual([]); // the training never finished
    expect(existsSync(join(work, 'run'))).toBe(false);
  }, 120_000);
});
