/**
 * Bad input, as a new user types it: every case exits 2 with one stderr line naming the problem,
 * no stack trace, and no new folder. Run in-process through `cli()` (the same code the binary
 * runs), with a few through the real binary for its exit code and its quiet stderr.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from './cli.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'optimlab.mjs');
let root: string; // the user's working folder for every case
let run: string; // a finished smoke run (adamw, 2 steps) to resume, sample and compare against
let small: string; // a small corpus

async function inProcess(args: readonly string[]): Promise<{ code: number; stderr: string[]; stdout: string[] }> {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await cli(args), stderr, stdout };
  } finally {
    err.mockRestore();
    log.mockRestore();
    write.mockRestore();
  }
}

const folders = (): string[] => readdirSync(root).filter((f) => f !== '.optimlab-cache').sort();
const config = (name: string, value: unknown): string => {
  const file = join(root, 'configs', `${name}.json`);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const base = { preset: 'smoke', optimizer: { name: 'adamw' }, steps: 2 };
/** A study file (or module) in the configs folder: a valid two-contestant study with `edit` applied to its text. */
const studyText = `name: bad
title: a study
contestants:
  - { key: a, optimizer: { name: adamw }, lr: { from: 0.001, to: 0.01 } }
  - { key: b, optimizer: { name: lion }, lr: { from: 0.0001, to: 0.001 } }
questions:
  - { kind: final-comparison, contestant: a, baseline: b }
`;
const moduleFile = (name: string, text: string): string => {
  const file = join(root, 'configs', name);
  writeFileSync(file, text);
  return file;
};
const studyFile = (name: string, edit: (text: string) => string = (t) => t): string => moduleFile(name, edit(studyText));
/** A study file naming an optimizer module beside it. */
const studyWithModule = (name: string, module: string, text: string): string => (moduleFile(module, text), studyFile(name, (t) => `${t}optimizerModule: ./${module}\n`));
/** Duck-typed like a defineOptimizer entry (a module in a temporary folder cannot import @optimlab/optim). */
const fakeSpec = (name: string): string => `export const MINE = { name: '${name}', summary: '', learningRate: 0.01, reference: '', params: 'any', needsLoss: false, hyper: { shape: {}, safeParse: () => ({ success: true, data: {} }) }, build: () => { throw new Error('not built'); }, create: () => { throw new Error('not built'); } };\n`;
const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'optimlab-bad-'));
  process.env['INIT_CWD'] = root;
  mkdirSync(join(root, 'configs'));
  mkdirSync(join(root, 'fixtures'));
  small = join(root, 'fixtures', 'small.jsonl');
  const text = (i: number): string => `Address ${i}. The Congress shall make no law respecting an establishment of religion, number ${i}. `.repeat(40);
  writeFileSync(small, Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: text(i) })).join('\n'));
  run = join(root, 'fixtures', 'run');
  const made = await inProcess(['train', '--preset', 'smoke', '--optimizer', 'adamw', '--steps', '2', '--out', run, '--quiet', '--corpus', small]);
  expect(made.code, made.stderr.join('\n')).toBe(0);
  writeFileSync(join(root, 'fixtures', 'a-file'), 'x');
  mkdirSync(join(root, 'fixtures', 'not-a-run'));
  writeFileSync(join(root, 'fixtures', 'not-a-run', 'notes.txt'), 'mine');
  for (const [name, bytes] of [['junk', 'not a checkpoint at all'], ['truncated', '\u0010\u0000\u0000\u0000\u0000\u0000\u0000\u0000{"param/x'], ['empty', '']] as const) {
    const dir = join(root, 'fixtures', `ckpt-${name}`);
    mkdirSync(dir);
    for (const f of ['config.json', 'tokenizer.json']) copyFileSync(join(run, f), join(dir, f));
    writeFileSync(join(dir, 'checkpoint.safetensors'), bytes);
  }
  const badConfig = join(root, 'fixtures', 'bad-config');
  mkdirSync(badConfig);
  for (const f of ['checkpoint.safetensors', 'tokenizer.json']) copyFileSync(join(run, f), join(badConfig, f));
  writeFileSync(join(badConfig, 'config.json'), '{"preset": "smoke", "optimizer": ');
  for (const [name, file, text] of [['study-empty', 'study.json', '{}'], ['study-null', 'study.json', 'null'], ['study-array', 'study.json', '[]'], ['study-entries', 'study.json', '{"settings": {"study": "thesis", "preset": "smoke", "corpus": "c", "tokenizer": "t"}, "entries": "x", "extensions": []}'], ['sweep-null', 'sweep.json', 'null'], ['sweep-old', 'sweep.json', '{"command": "sweep", "preset": "smoke"}']] as const) {
    mkdirSync(join(root, 'fixtures', name));
    writeFileSync(join(root, 'fixtures', name, file), text);
  }
  mkdirSync(join(root, 'fixtures', 'a-folder'));
  mkdirSync(join(root, 'fixtures', 'study-deep'));
  writeFileSync(join(root, 'fixtures', 'study-deep', 'study.json'), `{"settings": {"study": "thesis", "preset": "smoke", "corpus": "c", "tokenizer": "t"}, "entries": [], "extensions": [], "records": {"x": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}}`);
  writeFileSync(join(root, 'fixtures', 'null-line.jsonl'), '\uFEFFnull\n');
  writeFileSync(join(root, 'fixtures', 'null-tokenizer.json'), 'null');
  const resumeJunk = join(root, 'fixtures', 'resume-junk');
  mkdirSync(resumeJunk);
  for (const f of ['config.json', 'tokenizer.json']) copyFileSync(join(run, f), join(resumeJunk, f));
  writeFileSync(join(resumeJunk, 'checkpoint.safetensors'), 'junk');
}, 300_000);

afterAll(() => {
  delete process.env['INIT_CWD'];
  rmSync(root, { recursive: true, force: true });
});

/** [arguments (a function: built once the fixtures exist), what stderr must say]. */
const CASES: [string, () => string[], RegExp][] = [
  // Optimizer names.
  ['shampoo on the whole model', () => ['train', '--preset', 'smoke', '--optimizer', 'shampoo'], /shampoo is for weight matrices only, .*use shampoo\+adamw/],
  ['muonh on the whole model', () => ['train', '--preset', 'smoke', '--optimizer', 'muonh'], /muonh is for weight matrices only, .*use muonh\+adamw/],
  ['plain muon on the whole model', () => ['train', '--preset', 'smoke', '--optimizer', 'muon'], /muon is for weight matrices only, .*use muon\+adamw/],
  ['unknown optimizer flag', () => ['train', '--optimizer', 'adamx'], /--optimizer \(optimizer\.name\): unknown optimizer "adamx" \(known: sgd, momentum, .*muon\+adamw, .*\+adamw\)\.$/],
  ['unknown optimizer in config', () => ['train', '--config', config('unknown-opt', { optimizer: { name: 'adamx' } })], /optimizer.name: unknown optimizer "adamx" \(known: sgd,/],
  ['hybrid of a non-matrix optimizer', () => ['train', '--config', config('adamw-hybrid', { optimizer: { name: 'adamw+adamw' } })], /unknown optimizer "adamw\+adamw"/],
  // Config values.
  ['momentum 1.5', () => ['train', '--config', config('m15', { ...base, optimizer: { name: 'muon+adamw', momentum: 1.5 } })], /optimizer.momentum: must be a number in \[0, 1\), got 1.5/],
  ['momentum 1.0', () => ['train', '--config', config('m10', { ...base, optimizer: { name: 'muon+adamw', momentum: 1 } })], /optimizer.momentum: must be a number in \[0, 1\), got 1/],
  ['batchSize -4', () => ['train', '--config', config('bs', { ...base, batchSize: -4 })], /batchSize: must be an integer in \[1, 4096\], got -4/],
  ['gradAccum 0', () => ['train', '--config', config('ga', { ...base, gradAccum: 0 })], /gradAccum: must be an integer in \[1, 4096\], got 0/],
  ['warmupRatio 1.5', () => ['train', '--config', config('w15', { ...base, optimizer: { name: 'adamw', warmupRatio: 1.5 } })], /optimizer.warmupRatio: must be a number in \[0, 1\), got 1.5/],
  ['warmupRatio -0.5', () => ['train', '--config', config('wm', { ...base, optimizer: { name: 'adamw', warmupRatio: -0.5 } })], /optimizer.warmupRatio: must be a number in \[0, 1\), got -0.5/],
  ['nsSteps -1', () => ['train', '--config', config('ns', { ...base, optimizer: { name: 'muon+adamw', nsSteps: -1 } })], /optimizer.nsSteps: must be an integer in \[1, 20\], got -1/],
  ['steps "ten"', () => ['train', '--config', config('ten', { ...base, steps: 'ten' })], /steps: must be an integer in \[1, 10000000\], got "ten"/],
  ['learningRate "fast"', () => ['train', '--config', config('fast', { ...base, optimizer: { name: 'adamw', learningRate: 'fast' } })], /optimizer.learningRate: must be a number in \(0, 1000000\], got "fast"/],
  ['a JSON null', () => ['train', '--config', config('null', 'null')], /must hold a JSON object \(a run config\), got null/],
  ['"model": "smoke"', () => ['train', '--config', config('model-str', { ...base, model: 'smoke' })], /model: must be an object of model fields \(to pick a preset, use "preset": "smoke"/],
  ['steps 0', () => ['train', '--config', config('steps0', { ...base, steps: 0 })], /steps: must be an integer in \[1, 10000000\], got 0/],
  ['evalEvery 0', () => ['train', '--config', config('ev0', { ...base, evalEvery: 0 })], /evalEvery: must be an integer in \[1, 10000000\], got 0/],
  ['a JSON array', () => ['train', '--config', config('array', '[1, 2]')], /must hold a JSON object \(a run config\), got an array/],
  ['config not JSON', () => ['train', '--config', config('junk', '{ steps: 3')], /--config .*junk.json is not valid JSON/],
  ['config missing', () => ['train', '--config', join(root, 'nope.json')], /--config .*nope.json cannot be read/],
  ['unknown config key', () => ['train', '--config', config('lr-key', { ...base, lr: 0.1 })], /Unrecognized key: "lr"/],
  ['optimizer as a string', () => ['train', '--config', config('opt-str', { preset: 'smoke', optimizer: 'adamw' })], /optimizer: must be an object with at least a "name", e.g. \{ "name": "adamw" \}, got "adamw"/],
  ['a knob the optimizer lacks', () => ['train', '--config', config('adamw-ns', { ...base, optimizer: { name: 'adamw', nsSteps: 3 } })], /optimizer: Unrecognized key: "nsSteps"/],
  ['model dModel 33', () => ['train', '--config', config('d33', { ...base, model: { dModel: 33 } })], /config.dModel: 33 must be divisible by config.nHeads/],
  ['model topK 9', () => ['train', '--config', config('topk', { ...base, model: { topK: 9 } })], /config.topK: 9 cannot exceed config.numExperts/],
  ['seed -1', () => ['train', '--config', config('seed', { ...base, seed: -1 })], /seed: must be an integer in \[0, 2147483647\], got -1/],
  ['clip -1', () => ['train', '--config', config('clip', { ...base, clip: -1 })], /clip: must be a number in \[0, 1000000\], got -1/],
  ['preset in config', () => ['train', '--config', config('preset', { ...base, preset: 'huge' })], /preset: must be one of thesis, cpu, smoke, got "huge"/],
  ['coefficients', () => ['train', '--config', config('coef', { ...base, optimizer: { name: 'muon+adamw', coefficients: 'fast' } })], /optimizer.coefficients: must be one of keller, polarExpress, dion, got "fast"/],
  ['divergence factor', () => ['train', '--config', config('div', { ...base, divergence: { factor: 0.5 } })], /divergence.factor: must be a number in \(1, 1000000\], got 0.5/],
  // Flags.
  ['--lr -0.1', () => ['train', '--lr', '-0.1'], /--lr \(optimizer.learningRate\): must be a number in \(0, 1000000\], got -0.1/],
  ['--lr 0', () => ['train', '--lr', '0'], /--lr \(optimizer.learningRate\): must be a number in \(0, 1000000\], got 0/],
  ['--lr abc', () => ['train', '--lr', 'abc'], /--lr must be a number, got "abc"/],
  ['--steps 0', () => ['train', '--steps', '0'], /--steps \(steps\): must be an integer in \[1, 10000000\], got 0/],
  ['--steps 2.5', () => ['train', '--steps', '2.5'], /--steps must be an integer, got "2.5"/],
  ['--batch-size -4', () => ['train', '--batch-size', '-4'], /--batch-size \(batchSize\): must be an integer in \[1, 4096\], got -4/],
  ['--grad-accum 0', () => ['train', '--grad-accum', '0'], /--grad-accum \(gradAccum\): must be an integer in \[1, 4096\]/],
  ['--warmup 1.5', () => ['train', '--warmup', '1.5'], /--warmup \(optimizer.warmupRatio\): must be a number in \[0, 1\)/],
  ['--momentum 1', () => ['train', '--momentum', '1'], /--momentum \(optimizer.momentum\): must be a number in \[0, 1\), got 1/],
  ['--ns-steps -1', () => ['train', '--ns-steps', '-1'], /--ns-steps \(optimizer.nsSteps\): must be an integer in \[1, 20\]/],
  ['--ns-steps with adamw', () => ['train', '--optimizer', 'adamw', '--ns-steps', '3'], /optimizer: Unrecognized key: "nsSteps"/],
  ['--schedule sometimes', () => ['train', '--schedule', 'sometimes'], /--schedule must be one of cosine, linear, step, constant, constant-linear, got "sometimes"/],
  ['--preset huge', () => ['train', '--preset', 'huge'], /--preset must be one of thesis, cpu, smoke, got "huge"/],
  ['unknown flag', () => ['train', '--speed', '3'], /unknown flag --speed \(known: --preset/],
  ['a switch given a value', () => ['train', '--json=yes'], /--json is a switch and takes no value/],
  ['a flag without its value', () => ['train', '--out'], /--out needs a value/],
  ['--seed -3', () => ['train', '--seed', '-3'], /--seed \(seed\): must be an integer in \[0, 2147483647\], got -3/],
  ['--eval-every 0', () => ['train', '--eval-every', '0'], /--eval-every \(evalEvery\): must be an integer in \[1, 10000000\]/],
  ['--weight-decay -1', () => ['train', '--weight-decay', '-1'], /--weight-decay \(optimizer.weightDecay\): must be a number in \[0, 1000000\]/],
  ['a stray argument', () => ['train', 'fast'], /unexpected argument "fast"/],
  ['--corpus missing', () => ['train', '--preset', 'smoke', '--steps', '1', '--corpus', join(root, 'no-corpus.txt')], /Corpus not found: .*no-corpus.txt/],
  // Output folders.
  ['--out is a file', () => ['train', '--preset', 'smoke', '--out', join(root, 'fixtures', 'a-file')], /--out .*a-file is a file, not a folder/],
  ['--out under a file', () => ['train', '--preset', 'smoke', '--out', join(root, 'fixtures', 'a-file', 'run')], /lies under .*a-file, which is a file/],
  ['--out a foreign folder', () => ['train', '--preset', 'smoke', '--out', join(root, 'fixtures', 'not-a-run')], /non-empty folder with no config.json/],
  ['sweep --out is a file', () => ['sweep', '--grid', 'lr=0.1', '--out', join(root, 'fixtures', 'a-file')], /--out .*a-file is a file/],
  // Files.
  ['sample: junk checkpoint', () => ['sample', join(root, 'fixtures', 'ckpt-junk')], /ckpt-junk\/checkpoint.safetensors is not a usable checkpoint/],
  ['sample: truncated checkpoint', () => ['sample', join(root, 'fixtures', 'ckpt-truncated')], /ckpt-truncated\/checkpoint.safetensors is not a usable checkpoint/],
  ['sample: empty checkpoint', () => ['sample', join(root, 'fixtures', 'ckpt-empty')], /ckpt-empty\/checkpoint.safetensors is not a usable checkpoint/],
  ['sample: malformed config.json', () => ['sample', join(root, 'fixtures', 'bad-config')], /bad-config\/config.json is not valid JSON/],
  ['sample: no folder', () => ['sample', join(root, 'nowhere')], /nowhere\/checkpoint.safetensors is missing/],
  ['sample: no argument', () => ['sample'], /give one run folder/],
  ['sample: negative temperature', () => ['sample', run, '--temperature', '-1'], /--temperature must be a number in \[0, 100\], got "-1"/],
  ['train: resume from a junk checkpoint', () => ['train', '--config', join(run, 'config.json'), '--out', join(root, 'fixtures', 'resume-junk'), '--corpus', small], /resume-junk\/checkpoint.safetensors is not a usable checkpoint .*delete it/],
  // Resume with other settings.
  ['resume with another optimizer', () => ['train', '--config', join(run, 'config.json'), '--optimizer', 'lion', '--out', run, '--corpus', small], /holds a run with other settings \(optimizer.name.*--force/],
  ['resume with another preset', () => ['train', '--config', join(run, 'config.json'), '--preset', 'cpu', '--out', run, '--corpus', small], /holds a run with other settings \(preset\)/],
  ['resume with more steps', () => ['train', '--config', join(run, 'config.json'), '--steps', '4', '--out', run, '--corpus', small], /holds a run with other settings \(steps\)/],
  ['resume with another corpus', () => ['train', '--config', join(run, 'config.json'), '--out', run], /holds a run with other settings \(tokenizer, data\)/],
  // Sweep.
  ['sweep without grid', () => ['sweep'], /--grid is required/],
  ['sweep unknown knob', () => ['sweep', '--preset', 'smoke', '--grid', 'speed=1,2'], /speed 1: optimizer: Unrecognized key: "speed"/],
  ['sweep momentum 1.5', () => ['sweep', '--preset', 'smoke', '--grid', 'momentum=0.9,1.5'], /momentum 1.5: optimizer.momentum: must be a number in \[0, 1\), got 1.5/],
  ['sweep lr=0.05=9', () => ['sweep', '--grid', 'lr=0.05=9'], /--grid entries are knob=v1,v2 .*got "lr=0.05=9"/],
  ['sweep empty values', () => ['sweep', '--grid', 'lr='], /--grid entries are knob=v1,v2/],
  ['sweep repeated knob', () => ['sweep', '--grid', 'lr=0.1 lr=0.2'], /names lr twice/],
  ['sweep lr text', () => ['sweep', '--preset', 'smoke', '--grid', 'lr=fast'], /lr fast: optimizer.learningRate: must be a number in \(0, 1000000\], got "fast"/],
  ['sweep over optimizers', () => ['sweep', '--grid', 'optimizer=adamw,lion'], /run one sweep per optimizer/],
  // Ladder.
  ['ladder --optimizers ""', () => ['ladder', '--optimizers', ''], /--optimizers takes a comma-separated list without empty items/],
  ['ladder unknown optimizer', () => ['ladder', '--optimizers', 'adamw,foo'], /--optimizers: "foo" is not one of sgd, momentum/],
  ['ladder too few steps', () => ['ladder', '--steps', '5'], /--steps must be an integer in \[10, 1000000\], got "5"/],
  ['ladder repeated optimizer', () => ['ladder', '--optimizers', 'adamw,adamw'], /names an optimizer twice/],
  // Other commands.
  ['unknown command', () => ['frobnicate'], /unknown command "frobnicate" \(commands: reproduce, train/],
  ['report of nothing', () => ['report', join(root, 'nowhere')], /nowhere does not exist/],
  ['report of a foreign folder', () => ['report', join(root, 'fixtures', 'not-a-run')], /has no study.json, sweep.json or config.json/],
  ['doctor --json --bogus', () => ['doctor', '--json', '--bogus'], /unknown flag --bogus \(known: --json/],
  ['reproduce --preset huge', () => ['reproduce', '--preset', 'huge'], /--preset must be one of thesis, cpu, smoke, got "huge"/],
  ['reproduce --only everything', () => ['reproduce', '--only', 'everything'], /--only must be one of/],
  ['reproduce --seeds 0', () => ['reproduce', '--seeds', '0'], /--seeds must be an integer in \[1, 100\], got "0"/],
  ['reproduce stray argument', () => ['reproduce', 'now'], /unexpected argument "now"/],
  // Study files and optimizer modules.
  ['study without action', () => ['study'], /optimlab study: say what to do: init, check, run/],
  ['study file is a folder', () => ['study', 'run', join(root, 'fixtures'), '--out', join(root, 'st')], /study file .*fixtures is a folder: name a \.yaml or \.json study file/],
  ['study file missing', () => ['study', 'check', join(root, 'nowhere.yaml')], /study file .*nowhere\.yaml cannot be read: check the path/],
  ['study init on /proc', () => ['study', 'init', '/proc/x.yaml'], /optimlab study init: \/proc lies on a proc pseudo file system/],
  ['study init into a missing folder', () => ['study', 'init', join(root, 'nodir', 'x.yaml')], /optimlab study init: the folder .*nodir does not exist/],
  ['study unknown question kind', () => ['study', 'run', studyFile('kind.yaml', (t) => t.replace('final-comparison', 'best-ever')), '--out', join(root, 'st')], /questions\.0\.kind: unknown question kind "best-ever" \(kinds: final-comparison, token-speedup, lr-sensitivity, one-factor\)/],
  ['study knob the optimizer lacks', () => ['study', 'run', studyFile('knob.yaml', (t) => t.replace('to: 0.01 } }', 'to: 0.01 }, tune: { nsSteps: [3] } }')), '--out', join(root, 'st')], /contestants\.0\.tune\.nsSteps: adamw has no knob "nsSteps" \(its knobs: schedule, warmupRatio, minLrRatio, b1, b2, eps, weightDecay\)/],
  ['study inverted LR range', () => ['study', 'run', studyFile('inverted.yaml', (t) => t.replace('from: 0.001, to: 0.01', 'from: 0.01, to: 0.001')), '--out', join(root, 'st')], /contestants\.0\.lr: the range is inverted \(from 0\.01 is above to 0\.001\): swap them/],
  ['study empty LR range', () => ['study', 'run', studyFile('empty-lr.yaml', (t) => t.replace('from: 0.001, to: 0.01', 'from: 0.0011, to: 0.0012')), '--out', join(root, 'st')], /contestants\.0\.lr: the range 0\.0011–0\.0012 holds no point of the lattice \(4 per decade\): widen it/],
  ['study empty tuning list', () => ['study', 'run', studyFile('empty-knob.yaml', (t) => t.replace('to: 0.01 } }', 'to: 0.01 }, tune: { b2: [] } }')), '--out', join(root, 'st')], /contestants\.0\.tune\.b2: is empty: list at least one alternative value/],
  ['study unknown contestant', () => ['study', 'run', studyFile('who.yaml', (t) => t.replace('baseline: b', 'baseline: c')), '--out', join(root, 'st')], /questions\.0\.baseline: "c" is not a contestant \(contestants: a, b\)/],
  ['study YAML duplicate key', () => ['study', 'run', studyFile('dup.yaml', (t) => `${t}name: again\n`), '--out', join(root, 'st')], /dup\.yaml:\d+:\d+: a key appears twice in one mapping; fix the file/],
  ['study YAML anchor bomb', () => ['study', 'check', studyFile('bomb.yaml', (t) => `${t}${bomb}\n`)], /bomb\.yaml: its aliases expand too far \(more than 100: an anchor bomb\?\); write the values out/],
  ['study module throws on import', () => ['study', 'run', studyWithModule('throws.yaml', 'throws.mjs', "throw new Error('boom at import');\n"), '--out', join(root, 'st')], /optimizerModule .*throws\.mjs throws on import \(boom at import\): fix the module/],
  ['study module exports nothing', () => ['study', 'run', studyWithModule('nothing.yaml', 'nothing.mjs', 'export const answer = 42;\n'), '--out', join(root, 'st')], /nothing\.mjs exports no optimizer: export entries made with defineOptimizer/],
  ['train module shadows adamw', () => ['train', '--optimizer-module', moduleFile('shadow.mjs', fakeSpec('adamw')), '--optimizer', 'adamw'], /--optimizer-module shadow\.mjs: "adamw" is a built-in optimizer and cannot be replaced: give yours another name/],
  ['train module missing', () => ['train', '--optimizer-module', join(root, 'no-module.ts')], /--optimizer-module .*no-module\.ts cannot be read: check the path/],
  ['worker module missing', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--optimizer-module', join(root, 'no-module.ts')], /--optimizer-module .*no-module\.ts cannot be read: check the path/],
  ['sweep module missing', () => ['sweep', '--grid', 'lr=0.01,0.02', '--optimizer-module', join(root, 'no-module.ts'), '--optimizer', 'mine'], /--optimizer-module .*no-module\.ts cannot be read: check the path/],
  ['reproduce --out is a file', () => ['reproduce', '--preset', 'smoke', '--out', join(root, 'fixtures', 'a-file')], /--out .*a-file is a file/],

  // Issue #25's examples. Hangs and runaway work:
  ['gradAccum 1e12', () => ['train', '--config', config('ga12', { ...base, gradAccum: 1e12 })], /gradAccum: must be an integer in \[1, 4096\], got 1000000000000/],
  ['evalBatches 1e12', () => ['train', '--config', config('eb12', { ...base, evalBatches: 1e12 })], /evalBatches: must be an integer in \[1, 100000\], got 1000000000000/],
  ['vocabSize 1e15', () => ['train', '--config', config('v15', { ...base, model: { vocabSize: 1e15 } })], /model.vocabSize: must be an integer in \[1, 1048576\], got 1000000000000000/],
  ['reproduce --out /proc/x', () => ['reproduce', '--preset', 'smoke', '--out', '/proc/x'], /--out \/proc\/x lies on a proc pseudo file system, which holds no files: pick a folder on a disk/],
  ['worker --lock-timeout 1e12', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--lock-timeout', '1e12'], /--lock-timeout must be a number in \[1, 86400\], got "1e12"/],
  // Stack traces:
  ['dModel 65536', () => ['train', '--config', config('d65536', { ...base, model: { dModel: 65536 } })], /model.dModel: must be an integer in \[1, 16384\], got 65536/],
  ['a model too large for the adapter', () => ['train', '--config', config('too-large', { ...base, model: { dModel: 16384, nHeads: 256 } }), '--corpus', small], /The model does not fit this adapter: the largest tensor, blocks.0.attn.qkv.weight \[49152, 16384\], is 3,072 MiB, over this adapter's [\d,.]+ MiB limit for one buffer/],
  ['a study file’s model too large for the adapter (run)', () => ['study', 'run', studyFile('too-large.yaml', (t) => `${t}preset: smoke\nmodel: { dModel: 16384, nHeads: 256 }\n`), '--out', join(root, 'st'), '--corpus', small], /The model does not fit this adapter: the largest tensor, blocks.0.attn.qkv.weight \[49152, 16384\], is 3,072 MiB, over this adapter's [\d,.]+ MiB limit for one buffer/],
  ['a study file’s model too large for the adapter (check)', () => ['study', 'check', studyFile('too-large-check.yaml', (t) => `${t}model: { vocabSize: 1048576, dModel: 1024, nHeads: 16 }\n`)], /The model does not fit this adapter: the largest tensor, [\w.]+ \[1048576, 1024\], is 4,096 MiB, over this adapter's [\d,.]+ MiB limit for one buffer/],
  ['a deeply nested JSON value', () => ['train', '--config', config('deep', `{"preset": "smoke", "optimizer": {"name": "adamw"}, "model": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)], /deep.json nests values more than 64 levels deep: no file of ours does; check the file\.$/],
  ['report: study.json of {}', () => ['report', join(root, 'fixtures', 'study-empty')], /study-empty\/study.json is not a study record \(settings: .*got nothing/],
  ['report: study.json of null', () => ['report', join(root, 'fixtures', 'study-null')], /study-null\/study.json is not a study record \(.*got null/],
  ['report: sweep.json of null', () => ['report', join(root, 'fixtures', 'sweep-null')], /sweep-null\/sweep.json is not a sweep record of this version \(.*got null/],
  ['--out /sys/x', () => ['train', '--preset', 'smoke', '--out', '/sys/x'], /--out \/sys\/x lies on a sysfs pseudo file system/],
  // Messages:
  ['a 1 MB bad value', () => ['train', '--config', config('mb', { ...base, steps: 's'.repeat(1_000_000) })], /steps: must be an integer in \[1, 10000000\], got "s{60}"… \(1,000,000 characters\)$/],
  ['Infinity (1e999 in JSON)', () => ['train', '--config', config('inf', `{"preset": "smoke", "optimizer": {"name": "adamw"}, "steps": 1e999}`)], /steps: must be an integer in \[1, 10000000\], got Infinity$/],
  ['a BOM at the start of the config', () => ['train', '--config', config('bom', `\uFEFF${JSON.stringify({ ...base, steps: 0 })}`)], /^steps: must be an integer in \[1, 10000000\], got 0$/],
  ['a Redis password as a URL query parameter', () => ['sweep', '--preset', 'smoke', '--grid', 'lr=0.1', '--queue', 'redis://127.0.0.1:6379/?password=hunter2'], /^(?!.*hunter2).*query strings and fragments are not understood/],
  // Workers that start broken:
  ['worker --corpus /nonexistent', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--corpus', '/nonexistent'], /optimlab worker: --corpus \/nonexistent does not exist/],

  // Our own cases, in the same spirit: upper bounds on every field and flag.
  ['batchSize 1e9', () => ['train', '--config', config('bs9', { ...base, batchSize: 1e9 })], /batchSize: must be an integer in \[1, 4096\], got 1000000000/],
  ['evalEvery 1e12', () => ['train', '--config', config('ee12', { ...base, evalEvery: 1e12 })], /evalEvery: must be an integer in \[1, 10000000\]/],
  ['checkpointEvery 1e12', () => ['train', '--config', config('ce12', { ...base, checkpointEvery: 1e12 })], /checkpointEvery: must be an integer in \[1, 10000000\]/],
  ['seed 2^31', () => ['train', '--config', config('seed31', { ...base, seed: 2 ** 31 })], /seed: must be an integer in \[0, 2147483647\], got 2147483648/],
  ['divergence window 1e12', () => ['train', '--config', config('dw', { ...base, divergence: { window: 1e12 } })], /divergence.window: must be an integer in \[1, 10000000\]/],
  ['clip 1e300', () => ['train', '--config', config('clip300', { ...base, clip: 1e300 })], /clip: must be a number in \[0, 1000000\], got 1e\+300/],
  ['learningRate 1e300', () => ['train', '--config', config('lr300', { ...base, optimizer: { name: 'adamw', learningRate: 1e300 } })], /optimizer.learningRate: must be a number in \(0, 1000000\], got 1e\+300/],
  ['warmupRatio Infinity', () => ['train', '--config', config('winf', `{"preset": "smoke", "optimizer": {"name": "adamw", "warmupRatio": 1e999}}`)], /optimizer.warmupRatio: must be a number in \[0, 1\), got Infinity/],
  ['momentum -Infinity', () => ['train', '--config', config('minf', `{"preset": "smoke", "optimizer": {"name": "muon+adamw", "momentum": -1e999}}`)], /optimizer.momentum: must be a number in \[0, 1\), got -Infinity/],
  ['seqLen 1e9', () => ['train', '--config', config('seq9', { ...base, model: { seqLen: 1e9 } })], /model.seqLen: must be an integer in \[1, 65536\]/],
  ['nLayers 1e6', () => ['train', '--config', config('nl6', { ...base, model: { nLayers: 1e6 } })], /model.nLayers: must be an integer in \[1, 1024\]/],
  ['dFF 1e9', () => ['train', '--config', config('dff9', { ...base, model: { dFF: 1e9 } })], /model.dFF: must be an integer in \[1, 65536\]/],
  ['initStd 1e300', () => ['train', '--config', config('init300', { ...base, model: { initStd: 1e300 } })], /model.initStd: must be a number in \[0, 100\]/],
  ['ropeBase 1e300', () => ['train', '--config', config('rope300', { ...base, model: { ropeBase: 1e300 } })], /model.ropeBase: must be a number in \(0, 1000000000000\]/],
  ['nsSteps 1e9', () => ['train', '--config', config('ns9', { ...base, optimizer: { name: 'muon+adamw', nsSteps: 1e9 } })], /optimizer.nsSteps: must be an integer in \[1, 20\]/],
  ['adamwLearningRate 1e300', () => ['train', '--config', config('alr', { ...base, optimizer: { name: 'muon+adamw', adamwLearningRate: 1e300 } })], /optimizer.adamwLearningRate: must be a number in \(0, 1000000\]/],
  ['eps 1e300 (a registry knob)', () => ['train', '--config', config('eps', { ...base, optimizer: { name: 'adamw', eps: 1e300 } })], /optimizer.eps: must be a number in \(0, 1000000\]/],
  ['--lr 1e300', () => ['train', '--lr', '1e300'], /--lr \(optimizer.learningRate\): must be a number in \(0, 1000000\], got 1e\+300/],
  ['--lr Infinity', () => ['train', '--lr', 'Infinity'], /--lr must be a number, got "Infinity"/],
  ['--steps 1e12', () => ['train', '--steps', '1e12'], /--steps \(steps\): must be an integer in \[1, 10000000\], got 1000000000000/],
  ['--grad-accum 1e12', () => ['train', '--grad-accum', '1e12'], /--grad-accum \(gradAccum\): must be an integer in \[1, 4096\]/],
  ['--seed 1e12', () => ['train', '--seed', '1e12'], /--seed \(seed\): must be an integer in \[0, 2147483647\]/],
  ['--ns-steps 1e9', () => ['train', '--ns-steps', '1e9'], /--ns-steps \(optimizer.nsSteps\): must be an integer in \[1, 20\]/],
  ['ladder --steps 1e12', () => ['ladder', '--steps', '1e12'], /--steps must be an integer in \[10, 1000000\], got "1e12"/],
  ['sample --tokens 1e9', () => ['sample', run, '--tokens', '1e9'], /--tokens must be an integer in \[1, 100000\]/],
  ['sample --temperature 1e9', () => ['sample', run, '--temperature', '1e9'], /--temperature must be a number in \[0, 100\]/],
  ['sample --top-k 1e12', () => ['sample', run, '--top-k', '1e12'], /--top-k must be an integer in \[0, 1048576\]/],
  ['reproduce --seeds 1e6', () => ['reproduce', '--seeds', '1e6'], /--seeds must be an integer in \[1, 100\]/],
  ['worker --lock-timeout 0', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--lock-timeout', '0'], /--lock-timeout must be a number in \[1, 86400\], got "0"/],
  // Messages stay one short line.
  ['a 1 MB optimizer name', () => ['train', '--config', config('name-mb', { ...base, optimizer: { name: 'n'.repeat(1_000_000) } })], /optimizer.name: unknown optimizer "n{60}"… \(1,000,000 characters\) \(known: sgd/],
  ['a 1 MB unknown key', () => ['train', '--config', config('key-mb', { ...base, ['k'.repeat(1_000_000)]: 1 })], /Unrecognized key: "k{30}… \(1,000,000 characters\)"/],
  ['10,000 unknown keys', () => ['train', '--config', config('keys', { ...base, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) })], /Unrecognized keys: "k0", "k1", "k2", …$/],
  ['a 100,000-deep array as steps', () => ['train', '--config', config('deep-steps', `{"preset": "smoke", "optimizer": {"name": "adamw"}, "steps": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`)], /deep-steps.json nests values more than 64 levels deep/],
  ['a study.json nested 100,000 deep', () => ['report', join(root, 'fixtures', 'study-deep')], /study-deep\/study.json nests values more than 64 levels deep/],
  ['a 1 MB grid value', () => ['sweep', '--preset', 'smoke', '--grid', `lr=${'7'.repeat(1_000_000)}x`], /lr 7{30}… \(1,000,001 characters\): optimizer.learningRate: must be a number in \(0, 1000000\], got "7{60}"… \(1,000,001 characters\)/],
  ['a 1 MB command name', () => ['c'.repeat(1_000_000)], /unknown command "c{60}"… \(1,000,000 characters\) \(commands: reproduce/],
  ['a 1 MB stray argument', () => ['train', 'a'.repeat(1_000_000)], /unexpected argument "a{60}"… \(1,000,000 characters\)/],
  ['a BOM before malformed JSON', () => ['train', '--config', config('bom-junk', '\uFEFF{ steps: 3')], /--config .*bom-junk.json is not valid JSON \((?!.*\uFEFF)/],
  // Paths.
  ['--out /dev/x', () => ['train', '--preset', 'smoke', '--out', '/dev/x'], /--out \/dev\/x lies on \/dev, which holds no files/],
  ['--out /proc/self (an existing folder)', () => ['train', '--preset', 'smoke', '--out', '/proc/self'], /--out \/proc\/self lies on a proc pseudo file system/],
  ['sweep --out /sys/kernel/x', () => ['sweep', '--grid', 'lr=0.1', '--out', '/sys/kernel/x'], /--out \/sys\/kernel\/x lies on a sysfs pseudo file system/],
  ['worker --out /proc/x', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--out', '/proc/x'], /--out \/proc\/x lies on a proc pseudo file system/],
  ['worker --tokenizer /nonexistent', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--tokenizer', '/nonexistent'], /--tokenizer \/nonexistent is not a file: give 'bpe', 'gpt2' or the path/],
  ['worker --tokenizer a folder', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--tokenizer', join(root, 'fixtures', 'a-folder')], /--tokenizer .*a-folder is not a file/],
  ['worker --tokenizer not JSON', () => ['worker', '--queue', 'redis://127.0.0.1:1', '--tokenizer', join(root, 'fixtures', 'a-file')], /--tokenizer .*a-file is not valid JSON/],
  // Folders read back.
  ['report: study.json of []', () => ['report', join(root, 'fixtures', 'study-array')], /study-array\/study.json is not a study record \(.*got \[\]/],
  ['report: study.json whose entries are a string', () => ['report', join(root, 'fixtures', 'study-entries')], /study-entries\/study.json is not a study record \(entries: .*got "x"/],
  ['report: a sweep.json of an older shape', () => ['report', join(root, 'fixtures', 'sweep-old')], /sweep-old\/sweep.json is not a sweep record of this version \(grid: /],
  ['a JSONL corpus (with a BOM) whose line is null', () => ['train', '--preset', 'smoke', '--steps', '1', '--corpus', join(root, 'fixtures', 'null-line.jsonl')], /null-line.jsonl:1: no string "text" field/],
  ['a tokenizer file of null', () => ['train', '--preset', 'smoke', '--steps', '1', '--corpus', small, '--tokenizer', join(root, 'fixtures', 'null-tokenizer.json')], /null-tokenizer.json is not a tokenizer.json \(expected a JSON object/],
  // Passwords in any part of a URL.
  ['a password in the URL fragment', () => ['sweep', '--preset', 'smoke', '--grid', 'lr=0.1', '--queue', 'redis://127.0.0.1:6379/0#hunter2'], /^(?!.*hunter2).*--queue redis:\/\/127.0.0.1:6379\/0#\*\*\*: query strings and fragments/],
  ['a password as the URL path', () => ['sweep', '--preset', 'smoke', '--grid', 'lr=0.1', '--queue', 'redis://127.0.0.1:6379/hunter2'], /^(?!.*hunter2).*--queue redis:\/\/127.0.0.1:6379\/\*\*\*: the path must be a database number/],
];

describe('bad input: exit code 2, one line, no stack trace, no new folder', () => {
  it(`has at least 60 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES)('%s', async (_, args, message) => {
    const before = folders();
    const r = await inProcess(args());
    expect(r.code, `stdout: ${r.stdout.join('\n')}`).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(message);
    expect(r.stderr[0]).not.toMatch(/\n|^\s+at /);
    expect(r.stderr[0]!.length, 'one short line').toBeLessThan(700);
    expect(folders()).toEqual(before);
  });

  it('the real binary: exit code 2, nothing but the message on stderr (Dawn’s start-up warnings dropped)', () => {
    for (const args of [['train', '--momentum', '1.5'], ['train', '--preset', 'smoke', '--steps', '1', '--corpus', join(root, 'no-corpus.txt')]]) {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, INIT_CWD: root } });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
