/**
 * Without --queue nothing about Redis is loaded: no module that main.ts reaches through static
 * imports imports bullmq or ioredis; they come only through the dynamic imports of --queue and
 * `optimlab worker`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages reached from `entry` through static imports (type-only imports are erased), and through dynamic ones too when asked. */
function reachedPackages(entry: string, { dynamic }: { dynamic: boolean }): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2]!);
    if (dynamic) specifiers.push(...[...text.matchAll(/\bimport\('([^']+)'\)/g)].map((m) => m[1]!));
    for (const s of specifiers) {
      if (s.startsWith('.')) visit(join(dirname(file), s.replace(/\.js$/, '.ts')));
      else packages.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    }
  };
  visit(entry);
  return packages;
}

describe('loading', () => {
  it('the CLI loads bullmq and ioredis only for the queue', () => {
    const statically = reachedPackages(join(src, 'main.ts'), { dynamic: false });
    expect(statically).toContain('@optimlab/moe-model'); // the walk sees the CLI's imports…
    expect(statically).not.toContain('bullmq');
    expect(statically).not.toContain('ioredis');
    const all = reachedPackages(join(src, 'main.ts'), { dynamic: true });
    expect(all).toContain('bullmq'); // …and would see these if they were imported statically
    expect(all).toContain('ioredis');
  });
});
