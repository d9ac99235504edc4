/**
 * Test helpers for the queue: a throwaway redis-server on a free loopback port (no persistence,
 * stopped by the test), and CLI processes in their own process groups, so a test can SIGKILL a
 * worker or a coordinator together with its children and wait for lines of its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'optimlab.mjs');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** redis-server (installed by scripts/setup-redis.sh) on a free port, answering before this returns. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'optimlab-redis-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  await new Promise<void>((ok, fail) => {
    server.on('error', (err) => fail(new Error(`redis-server did not start (${err.message}): run scripts/setup-redis.sh`)));
    server.on('exit', (code) => fail(new Error(`redis-server exited with ${code}: ${log}`)));
    const poll = setInterval(() => /Ready to accept connections/.test(log) && (clearInterval(poll), ok()), 50);
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise((ok) => (server.exitCode !== null ? ok() : (server.once('exit', () => ok()), server.kill('SIGTERM')))),
  };
}

/** An optimlab process whose stdout lines are kept (and parsed when they are JSON). */
export class CliProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private waiters: (() => void)[] = [];

  constructor(args: readonly string[], cwd: string) {
    this.child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, INIT_CWD: cwd }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters) w();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((ok) => this.child.on('close', (code) => (ok(code), this.waiters.forEach((w) => w()))));
  }

  /** The JSON lines so far. */
  events(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Resolves with the first JSON line that matches (already seen or to come); rejects if the process ends first. */
  waitFor(match: (e: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
    return new Promise((ok, fail) => {
      const check = (): void => {
        const hit = this.events().find(match);
        if (hit) ok(hit);
        else if (this.child.exitCode !== null || this.child.signalCode !== null) fail(new Error(`process ended before ${what}: ${this.stderr.slice(-2000)}`));
        else return;
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** Signals the whole process group (the launcher, tsx and the CLI). */
  kill(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // already gone
    }
  }
}
