/**
 * Study files: the published JSON Schema is the zod schema's, the starter and the shipped files are
 * valid, a file is read whole (YAML traps refused), and module optimizers join the registry.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOptimizer } from '@optimlab/optim';
import { STUDIES } from '../index.js';
import { plannedRuns } from './estimate.js';
import { parseStudyText, readStudyFile } from './read.js';
import { STARTER } from './starter.js';
import { SCHEMA_FILE, schemaText } from './write-schema.js';

const repo = fileURLToPath(new URL('../../../../../', import.meta.url));

describe('study files', () => {
  it('study-file.schema.json is the JSON Schema of the zod schema (regenerate: pnpm --filter @optimlab/cli schema)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
    const schema = JSON.parse(schemaText()) as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'title', 'contestants', 'questions']));
    expect(JSON.stringify(schema.properties['questions'])).toContain('"const":"token-speedup"');
  });

  it('the starter, the example and the shipped robustness study are valid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-starter-'));
    writeFileSync(join(dir, 'my-study.yaml'), STARTER);
    const starter = await readStudyFile(join(dir, 'my-study.yaml'));
    expect(starter.def.phases.map((p) => p.name)).toEqual(['tune', 'balance', 'final']);
    const example = await readStudyFile(join(repo, 'examples', 'normuon-vs-muon.yaml'));
    expect(example.module?.names).toEqual(['spectral-muon']);
    expect(findOptimizer('spectral-muon+adamw')?.spec.summary).toMatch(/spectral-condition/); // joined the registry, with its split
    expect(example.def.analyses).toHaveLength(6); // tuning, one section per question, the winner's curse, the curves
    expect(STUDIES['robustness']!.phases.map((p) => p.name)).toEqual(['grids', 'sensitivity']);
  });

  it('plans a range of runs per question (the smoke example: 7 runs per tuned contestant at least)', async () => {
    const example = await readStudyFile(join(repo, 'examples', 'normuon-vs-muon.yaml'));
    const plan = plannedRuns(example.file, 'smoke');
    expect(plan.reduce((t, r) => t + r.min, 0)).toBe(4 * (3 + 1 + 3));
    expect(plan.every((r) => r.max >= r.min && r.steps === 16)).toBe(true);
  });

  it('refuses YAML traps and names the key path of a schema error', () => {
    expect(() => parseStudyText('a: 1\na: 2\n', 'f')).toThrow(/^f:2:1: a key appears twice in one mapping/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    expect(() => parseStudyText(bomb, 'f')).toThrow(/aliases expand too far/);
    expect(parseStudyText('a: &x [1, 2]\nb: *x\n', 'f')).toEqual({ a: [1, 2], b: [1, 2] }); // an ordinary alias is fine
    // JSON is read by the same parser, duplicate keys refused too (JSON.parse would keep the last).
    expect(parseStudyText('{ "name": "x", "seeds": 3 }', 'f')).toEqual({ name: 'x', seeds: 3 });
    expect(() => parseStudyText('{ "seeds": 3, "seeds": 30 }', 'f')).toThrow(/^f:1:15: a key appears twice in one mapping/);
  });

  it('errors name the key path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-study-errors-'));
    const write = (text: string) => (writeFileSync(join(dir, 's.yaml'), text), join(dir, 's.yaml'));
    const base = STARTER.replace(/ *#.*$/gm, '');
    const withData = await readStudyFile(write(`${base}corpus: ./data/corpus.jsonl\ntokenizer: ./tok.json\n`));
    expect([withData.corpus, withData.tokenizer]).toEqual([join(dir, 'data', 'corpus.jsonl'), join(dir, 'tok.json')]); // relative to the file
    expect((await readStudyFile(write(`${base}tokenizer: gpt2\n`))).tokenizer).toBe('gpt2');
    await expect(readStudyFile(write(`${base}model: { dModel: big }\n`))).rejects.toThrow(/: model\.dModel: .*got "big"/);
    expect((await readStudyFile(write(`${base}model: { nLayers: 4 }\n`))).file.model).toEqual({ nLayers: 4 });
    await expect(readStudyFile(write(base.replace('seeds: 5', 'seeds: 0')))).rejects.toThrow(/: seeds: Too small: expected number to be >=1, got 0/);
    await expect(readStudyFile(write(base.replace('key: muon\n', 'key: normuon\n')))).rejects.toThrow(/contestants: the key "normuon" appears twice/);
    await expect(readStudyFile(write(base.replace('adamwRatio: 0.1', 'adamwRatio: 0.1\n    bogus: 1')))).rejects.toThrow(/contestants\.0: Unrecognized key: "bogus"/);
    await expect(readStudyFile(write(base.replace('name: normuon+adamw', 'name: adamw')))).rejects.toThrow(/contestants\.0\.adamwRatio: only a \+adamw split has an AdamW group/);
    await expect(readStudyFile(write(base.replace('{ momentum: [0.9, 0.98] }', '{ momentum: [1.5] }')))).rejects.toThrow(/contestants\.0\.tune\.momentum: must be a number in \[0, 1\), got 1\.5/);
    const final = (extra: string) => write(`${base}  - { kind: final-comparison, contestant: normuon, baseline: muon${extra} }\n`);
    expect((await readStudyFile(final(', minPairs: 5'))).file.questions[1]).toMatchObject({ kind: 'final-comparison', minPairs: 5 });
    await expect(readStudyFile(final(', minPairs: 6'))).rejects.toThrow(/: questions\.1\.minPairs: 6 pairs need at least as many fresh seeds, and seeds is 5: raise seeds or lower minPairs\./);
    await expect(readStudyFile(final(', minPairs: 2'))).rejects.toThrow(/: questions\.1\.minPairs: Too small: expected number to be >=3/);
    const grid = (thresholds: string) => write(`${base}  - { kind: lr-sensitivity, contestants: [muon], thresholds: ${thresholds} }\n`);
    expect((await readStudyFile(grid('[3, 10]'))).file.questions[1]).toMatchObject({ kind: 'lr-sensitivity', thresholds: [3, 10] });
    await expect(readStudyFile(grid('[5, 2]'))).rejects.toThrow(/: questions\.1\.thresholds: must be strictly increasing, e\.g\. \[1, 2, 5\]/);
    await expect(readStudyFile(grid('[0, 2]'))).rejects.toThrow(/: questions\.1\.thresholds\.0: Too small: expected number to be >0/);
    await expect(readStudyFile(grid('[1, 2, 3, 4, 5, 6]'))).rejects.toThrow(/: questions\.1\.thresholds: Too big: expected array to have <=5 items/);
  });
});
