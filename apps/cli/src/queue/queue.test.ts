/**
 * The job queue against a real redis-server on a loopback port (started and stopped here):
 * workers that die or are stopped, a coordinator killed and restarted, a worker with other data,
 * and a bad or unreachable --queue. Results must equal the same study made locally.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../cli.js';
import { readResult } from '../runs.js';
import { CliProcess, freePort, startRedis, type RedisServer } from './testing.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
}, 30_000);
afterAll(() => redis?.stop());

const runsOf = (study: string): string[] => readdirSync(join(study, 'runs')).sort();
const entriesOf = (study: string): string[] =>
  (JSON.parse(readFileSync(join(study, 'study.json'), 'utf8')) as { entries: object[] }).entries.map((e) => JSON.stringify(e)).sort();

describe('optimlab on a job queue', () => {
  it('a malformed or unreachable --queue is one line and exit code 2, before anything is written; a password never shows', async () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-badqueue-'));
    const closed = await freePort();
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    try {
      const cases: [string[], RegExp][] = [
        [['sweep', '--queue', 'localhost:6379', '--preset', 'smoke', '--grid', 'lr=0.1'], /--queue .*the scheme must be redis:\/\/ or rediss:\/\//],
        [['sweep', '--queue', `redis://:hunter2@127.0.0.1:${closed}`, '--preset', 'smoke', '--grid', 'lr=0.1'], /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(ECONNREFUSED\): start redis-server there, or fix --queue\./],
        [['reproduce', '--queue', `redis://127.0.0.1:${closed}/3`, '--preset', 'smoke'], /optimlab reproduce: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/3 \(ECONNREFUSED\)/],
        [['reproduce', '--queue', `${redis.url}`], /with --queue, give --preset/],
        [['reproduce', '--queue', `${redis.url}`, '--preset', 'smoke', '--ladder'], /--ladder runs on this machine/],
        [['worker', '--queue', `redis://:hunter2@127.0.0.1:${closed}`], /optimlab worker: cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
        [['worker'], /--queue is required/],
        [['worker', '--queue', 'redis://127.0.0.1:6379/99'], /database 99 is out of range/],
      ];
      for (const [args, message] of cases) {
        errors.length = 0;
        const out = join(root, `out-${cases.findIndex(([a]) => a === args)}`);
        expect(await cli([...args, ...(args[0] === 'worker' ? [] : ['--out', out])]), args.join(' ')).toBe(2);
        expect(errors, args.join(' ')).toHaveLength(1);
        expect(errors[0]).toMatch(message);
        expect(errors[0]).not.toContain('hunter2');
        expect(existsSync(out)).toBe(false);
      }
      expect(readdirSync(root)).toEqual([]); // not even a worker folder
    } finally {
      spy.mockRestore();
    }
  }, 60_000);

  it('two workers, one SIGKILLed mid-run, the coordinator killed and restarted: the study completes with the local results, nothing run twice', async () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-queue-'));
    const study = ['reproduce', '--preset', 'smoke', '--only', 'tune'];
    const local = new CliProcess([...study, '--out', join(root, 'local'), '--quiet'], root);
    expect(await local.exited, local.stderr).toBe(0); // also fills the data cache the workers share

    const url = `${redis.url}/0`;
    // A short lock, so that a dead worker's run is taken over within seconds (it must outlast any pause of a busy worker).
    const worker = (name: string): CliProcess => new CliProcess(['worker', '--queue', url, '--name', name, '--lock-timeout', '8', '--json', '--out', join(root, `worker-${name}`)], root);
    const coordinate = (): CliProcess => new CliProcess([...study, '--queue', url, '--out', join(root, 'queued'), '--json'], root);
    const workers = [worker('A'), worker('B')];
    const first = coordinate();

    // A dies mid-run: its run must be taken over by another worker once A's lock runs out.
    const killed = await workers[0]!.waitFor((e) => e['event'] === 'start', 'worker A starts a run');
    workers[0]!.kill('SIGKILL');
    workers.push(worker('C'));
    await first.waitFor((e) => e['event'] === 'stalled' && e['id'] === killed['id'], 'the killed worker’s run is noticed');
    // The coordinator dies after a few runs; a new one takes over the same folder.
    await first.waitFor(() => first.events().filter((e) => e['event'] === 'finished').length >= 4, 'four finished runs');
    first.kill('SIGKILL');
    await first.exited;
    const restarted = coordinate();
    expect(await restarted.exited, restarted.stderr).toBe(0);
    for (const w of workers.slice(1)) w.child.kill('SIGTERM'); // A is dead; B and C stop politely
    await Promise.all(workers.map((w) => w.exited));

    const queued = join(root, 'queued');
    expect(runsOf(queued)).toEqual(runsOf(join(root, 'local')));
    expect(entriesOf(queued)).toEqual(entriesOf(join(root, 'local')));
    for (const run of runsOf(queued)) {
      const [a, b] = [readResult(join(queued, 'runs', run))!, readResult(join(root, 'local', 'runs', run))!];
      expect(a.curve, run).toEqual(b.curve); // same seeds, same losses
      expect(a.finalLoss, run).toBe(b.finalLoss);
      expect(readdirSync(join(queued, 'runs', run)).sort()).toEqual(['config.json', 'log.jsonl', 'result.json']);
    }
    expect(['B', 'C']).toContain(readResult(join(queued, 'runs', String(killed['id'])))!.environment.worker);
    // Every run was made once: finished runs were neither re-queued by the new coordinator nor run again.
    const made = workers.flatMap((w) => w.events().filter((e) => e['event'] === 'finished').map((e) => e['id']));
    expect([...made].sort()).toEqual(runsOf(queued));
    expect(readFileSync(join(queued, 'summary.md'), 'utf8')).toContain('Q3.');
  }, 600_000);

  it('a worker stopped with SIGTERM mid-run puts its run back in the queue; another worker makes it, with the same result', async () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-queue-stop-'));
    const url = `${redis.url}/2`;
    const sweep = ['sweep', '--preset', 'smoke', '--grid', 'lr=0.05', '--steps', '120'];
    const local = new CliProcess([...sweep, '--out', join(root, 'local'), '--quiet'], root);
    expect(await local.exited, local.stderr).toBe(0);
    const polite = new CliProcess(['worker', '--queue', url, '--name', 'polite', '--json'], root);
    const coordinator = new CliProcess([...sweep, '--queue', url, '--out', join(root, 'queued'), '--json'], root);
    await polite.waitFor((e) => e['event'] === 'start', 'the worker starts the run');
    await new Promise((ok) => setTimeout(ok, 1500)); // a few steps in (120 steps take ~10 s here)
    polite.child.kill('SIGTERM');
    expect(await polite.exited, polite.stderr).toBe(0);
    expect(polite.events().map((e) => e['event'])).toEqual(['ready', 'preparing', 'start', 'stopping', 'returned', 'stopped']);
    await coordinator.waitFor((e) => e['event'] === 'returned' && e['worker'] === 'polite', 'the coordinator sees the run come back');
    const next = new CliProcess(['worker', '--queue', url, '--name', 'next', '--json'], root);
    expect(await coordinator.exited, coordinator.stderr).toBe(0);
    next.child.kill('SIGTERM');
    await next.exited;
    const [made, reference] = [readResult(join(root, 'queued', 'runs', 'lr_0.05'))!, readResult(join(root, 'local', 'runs', 'lr_0.05'))!];
    expect(made.environment.worker).toBe('next');
    expect(made.curve).toEqual(reference.curve);
  }, 300_000);

  it('a study with a module optimizer: a worker without the module refuses its job with the reason (exit code 1), a worker started with the same file makes it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-queue-module-'));
    const module = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'examples', 'my-optimizer.ts');
    // One run: Spectral Muon (the module's) at one learning rate on one seed.
    const study = join(root, 'one.yaml');
    writeFileSync(study, [
      'name: one-run', 'title: one run of a module optimizer', `optimizerModule: ${module}`, 'seeds: 1',
      'grid: { perDecade: 4, window: 0, edgeSteps: 0, maxExtensions: 0 }',
      'contestants:', '  - { key: spectral, optimizer: { name: spectral-muon+adamw }, adamwRatio: 0.1, lr: { center: 0.05, points: 1 } }',
      'questions:', '  - { kind: lr-sensitivity, contestants: [spectral] }', '',
    ].join('\n'));
    const url = `${redis.url}/4`;
    const coordinate = (): CliProcess => new CliProcess(['study', 'run', study, '--queue', url, '--preset', 'smoke', '--out', join(root, 'study')], root);
    const without = new CliProcess(['worker', '--queue', url, '--name', 'plain', '--json'], root);
    await without.waitFor((e) => e['event'] === 'ready', 'the worker without the module is ready');
    const refused = coordinate();
    expect(await refused.exited).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^run spectral-muon_adamw-lr_0\.0562-short-s2000-[0-9a-f]{10} failed: refused job spectral-muon_adamw-\S+: it needs the optimizer module my-optimizer\.ts \(hash [0-9a-f]{12}\), and this worker was started with no optimizer module: start it with --optimizer-module PATH to the same file\. Fix the cause/);
    without.child.kill('SIGTERM');
    expect(await without.exited).toBe(0);

    const withModule = new CliProcess(['worker', '--queue', url, '--name', 'mine', '--optimizer-module', module, '--json'], root);
    const made = coordinate();
    expect(await made.exited, made.stderr).toBe(0);
    withModule.child.kill('SIGTERM');
    await withModule.exited;
    const [run] = runsOf(join(root, 'study'));
    const result = readResult(join(root, 'study', 'runs', run!))!;
    expect(result.environment.worker).toBe('mine');
    expect(result.optimizer.name).toBe('spectral-muon+adamw');
    expect(result.status).toBe('finished');
  }, 300_000);

  it('a worker with another corpus: the job fails with the reason in the coordinator’s output, exit code 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'optimlab-queue-data-'));
    const corpus = join(root, 'other.jsonl');
    writeFileSync(corpus, Array.from({ length: 12 }, (_, i) => JSON.stringify({ text: `Another corpus entirely, document ${i}. `.repeat(200) })).join('\n'));
    const url = `${redis.url}/1`;
    const w = new CliProcess(['worker', '--queue', url, '--name', 'other', '--corpus', corpus, '--json'], root);
    await w.waitFor((e) => e['event'] === 'ready', 'the worker is ready');
    const c = new CliProcess(['sweep', '--queue', url, '--preset', 'smoke', '--grid', 'lr=0.1', '--steps', '2', '--out', join(root, 'sweep')], root);
    expect(await c.exited).toBe(1);
    expect(c.stderr.trim()).toMatch(/^run lr_0\.1 failed on worker other: worker other has other data: corpus .*other\.jsonl with tokenizer bpe-512 \(data hash [0-9a-f]{16}\), the coordinator's is SOTU .* \(data hash [0-9a-f]{16}\); start the worker with the coordinator's --corpus and --tokenizer\. Fix the cause/);
    expect(c.lines.join('\n')).toMatch(/\[queue\] run lr_0\.1 failed on worker other/);
    expect(existsSync(join(root, 'sweep', 'runs', 'lr_0.1', 'result.json'))).toBe(false);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
  }, 300_000);
});
