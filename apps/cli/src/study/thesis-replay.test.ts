/**
 * The thesis study against its committed evidence (docs/studies/thesis-cpu): it must ask for exactly
 * the runs those results hold (a runner that would make a new run fails the test), ask for nothing
 * on a resume, and render the committed summary from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STUDIES } from './index.js';
import { fromVerdicts, replay } from './replay.test-helper.js';

const committed = fileURLToPath(new URL('../../../../docs/studies/thesis-cpu', import.meta.url));

describe('the thesis study', () => {
  it('asks for exactly the committed runs of docs/studies/thesis-cpu and renders its summary', async () => {
    const r = await replay(STUDIES['thesis']!, committed);
    expect(r.after.filter((k) => !r.before.includes(k))).toEqual([]);
    expect(r.before.filter((k) => !r.after.includes(k))).toEqual([]);
    // Every committed run answers a request (runs.csv holds each distinct run once).
    const state = JSON.parse(readFileSync(join(committed, 'study.json'), 'utf8')) as { entries: { run: string }[] };
    expect(r.used.size).toBe(new Set(state.entries.map((e) => e.run)).size);
    const count = r.calls();
    expect(await r.resume()).toEqual(r.after);
    expect(r.calls()).toBe(count);
    expect(fromVerdicts(await r.render())).toBe(fromVerdicts(readFileSync(join(committed, 'summary.md'), 'utf8')));
  }, 120_000);
});
