/** A job is data: only a well-formed job with a valid, resolved run config and a safe run id runs. */
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '@optimlab/moe-model';
import { checkJob, checkReturn, jobIdOf, SAFE_ID, type RunJob } from './payload.js';

const train = resolveRunConfig({ preset: 'smoke', optimizer: { name: 'muon+adamw', learningRate: 0.05 }, steps: 4 });
const job = (over: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): unknown => ({
  version: 1,
  scope: '0a1b2c3d',
  spec: { id: 'muon_adamw-lr_0.05-short-s42-0123456789', phase: 'sweep', label: 'lr 0.05', horizon: 'short', train, ...spec },
  checkpoint: false,
  profileOptimizerSteps: 0,
  data: { builtinCorpus: true, corpusName: 'SOTU', tokenizer: 'bpe', tokenizerName: 'bpe-512', vocabSize: 512, seqLen: 32, fingerprint: '0123456789abcdef' },
  ...over,
});

describe('queue jobs', () => {
  it('a job that needs an optimizer module runs only where a file of the same hash was loaded', () => {
    const needs = JSON.parse(JSON.stringify(job({ optimizerModule: { hash: 'a'.repeat(64), name: 'my-opt.ts' } })));
    expect(checkJob(needs, 'a'.repeat(64)).optimizerModule?.hash).toBe('a'.repeat(64));
    expect(() => checkJob(needs, 'b'.repeat(64))).toThrow(/needs the optimizer module my-opt\.ts \(hash aaaaaaaaaaaa\), and this worker was started with another optimizer module \(hash bbbbbbbbbbbb\)/);
    expect(checkJob(JSON.parse(JSON.stringify(job())), 'b'.repeat(64)).spec.train).toEqual(train); // a module loaded does not stop other jobs
  });

  it('a coordinator’s job passes, its config unchanged', () => {
    const checked: RunJob = checkJob(JSON.parse(JSON.stringify(job())));
    expect(checked.spec.train).toEqual(train);
    // A token-budget run's horizon is its number of steps.
    expect(checkJob(JSON.parse(JSON.stringify(job({}, { horizon: 4 })))).spec.horizon).toBe(4);
  });

  it.each([
    ['a run id with ..', job({}, { id: '..' }), /spec.id: a run id is letters/],
    ['a run id with a slash', job({}, { id: 'a/../../etc' }), /spec.id/],
    ['an absolute run id', job({}, { id: '/tmp/x' }), /spec.id/],
    ['an unknown optimizer', job({}, { train: { ...train, optimizer: { ...train.optimizer, name: 'rm -rf' } } }), /unknown optimizer "rm -rf"/],
    ['a hyperparameter out of range', job({}, { train: { ...train, optimizer: { ...train.optimizer, momentum: 7 } } }), /momentum/],
    ['an unknown hyperparameter', job({}, { train: { ...train, optimizer: { ...train.optimizer, code: 'process.exit()' } } }), /code/],
    ['an extra field', job({ exec: 'x' }), /Unrecognized key/i],
    ['a config that is not resolved', job({}, { train: { optimizer: { name: 'adamw' } } }), /not a resolved one/],
    ['another payload version', job({ version: 2 }), /version/],
    ['a scope that is a path', job({ scope: '../../x' }), /scope/],
    ['data that are not the model’s (a huge BPE to train)', job({ data: { ...(job() as { data: object }).data, vocabSize: 10_000_000 } }), /its data \(vocabulary 10000000, sequence 32\) is not its model's \(512, 32\)/],
    ['a horizon that is neither named nor a step count', job({}, { horizon: 'forever' }), /spec.horizon/],
    ['a horizon of 0 steps', job({}, { horizon: 0 }), /spec.horizon/],
    ['a job that needs an optimizer module this worker lacks', job({ optimizerModule: { hash: 'a'.repeat(64), name: 'my-opt.ts' } }), /needs the optimizer module my-opt\.ts \(hash aaaaaaaaaaaa\), and this worker was started with no optimizer module: start it with --optimizer-module PATH to the same file/],
    ['a malformed module hash', job({ optimizerModule: { hash: 'x', name: 'my-opt.ts' } }), /optimizerModule.hash/],
    ['a malformed data hash', job({ data: { ...(job() as { data: object }).data, fingerprint: '../x' } }), /data.fingerprint/],
  ])('refuses %s', (_, value, message) => {
    expect(() => checkJob(value)).toThrow(message);
  });

  it.each([
    ['a 10 MB optimizer name', job({}, { train: { ...train, optimizer: { ...train.optimizer, name: 'x'.repeat(10_000_000) } } })],
    ['a 10 MB hyperparameter value', job({}, { train: { ...train, optimizer: { ...train.optimizer, momentum: 'y'.repeat(10_000_000) } } })],
    ['a 10 MB unknown key', job({ ['k'.repeat(10_000_000)]: 1 })],
    ['a 10 MB label', job({}, { label: 'z'.repeat(10_000_000) })],
  ])('refuses %s with a short reason (it is stored in Redis and printed)', (_, value) => {
    let reason = '';
    try {
      checkJob(value);
    } catch (err) {
      reason = (err as Error).message;
    }
    expect(reason).toMatch(/^refused job/);
    expect(reason.length).toBeLessThan(600);
  });

  it('run ids are safe folder names; job ids follow the config', () => {
    for (const bad of ['', '.', '..', 'a/b', 'a\\b', '..hidden', 'x'.repeat(129)]) expect(SAFE_ID.test(bad), bad).toBe(false);
    expect(SAFE_ID.test('adamw-lr_0.003-long-s42-1a2b3c4d5e')).toBe(true);
    expect(jobIdOf('abcd1234', train)).toBe(jobIdOf('abcd1234', resolveRunConfig({ preset: 'smoke', optimizer: { name: 'muon+adamw', learningRate: 0.05 }, steps: 4 })));
    expect(jobIdOf('abcd1234', train)).not.toBe(jobIdOf('abcd1234', { ...train, seed: 1 }));
  });

  it('a worker’s answer must hold a run result', () => {
    expect(() => checkReturn({ result: { id: 'x' }, log: '' }, 'x')).toThrow(/not a run result/);
  });
});
