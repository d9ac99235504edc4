import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectCommit } from './context.js';

describe('projectCommit', () => {
  it('reads the commit and dirtiness without writing the checkout’s git index', () => {
    const repo = mkdtempSync(join(tmpdir(), 'optimlab-git-'));
    const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo }).toString().trim();
    git('init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'a');
    git('add', 'a.txt');
    git('commit', '-qm', 'a');
    // A touched file (same content, new mtime) makes a plain `git status` refresh, and so rewrite, the index.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(repo, 'a.txt'), later, later);
    const index = join(repo, '.git', 'index');
    const [bytes, mtime] = [readFileSync(index), statSync(index).mtimeMs];
    expect(projectCommit(repo)).toBe(git('rev-parse', '--short=12', 'HEAD'));
    expect(readFileSync(index).equals(bytes)).toBe(true);
    expect(statSync(index).mtimeMs).toBe(mtime);
    writeFileSync(join(repo, 'a.txt'), 'b');
    expect(projectCommit(repo)).toMatch(/^[0-9a-f]{12}\+dirty$/);
    expect(readFileSync(index).equals(bytes)).toBe(true);
  });
});
