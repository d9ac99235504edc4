/**
 * The autotuner: a cached choice is what runs (kernel pick accounting), every row it may pick
 * matches the float64 reference, tuning caches one of the candidates, forcing a variant and
 * OPTIMLAB_AUTOTUNE=off bypass the cache, and the Node file store round-trips atomically.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { getGpu } from '../device.js';
import { checkOp } from '../test/gradcheck.js';
import { fileTuningStore, tuningCachePath } from '../node/tuning-file.js';
import {
  adapterKey, autotune, kernelPicks, memoryTuningStore, pendingTuning, setAutotuneMode, setTuningStore, tunedChoices, tuningCandidates, type TuningFile,
} from './autotune.js';
import { MATMUL_KERNELS, MATMUL_TUNABLE, matmul, matmulAdd, setMatmulVariant } from './matmul/matmul.js';
import { matmulAddRef, matmulRef } from './matmul/matmul.ref.js';
import { GROUPED_MATMUL_TUNABLE, groupedMatmul, routeByExpert } from './moe/moe.js';
import { groupedMatmulRef, routeRef } from './moe/moe.ref.js';
import { pickKernel, preferredVariant } from './variants.js';

const gpu = await getGpu();
const adapter = adapterKey(gpu);

afterEach(() => {
  setAutotuneMode(undefined);
  setTuningStore(memoryTuningStore());
  setMatmulVariant(undefined);
});

const picked = (name: string): number => kernelPicks().get(name) ?? 0;

/** The shape class a call falls in: run it once with tuning on and an empty cache. */
function classOf(run: () => void): string[] {
  setTuningStore(memoryTuningStore());
  setAutotuneMode('on');
  run();
  return pendingTuning();
}

function seed(choices: Record<string, string>): void {
  const entries = Object.fromEntries(Object.entries(choices).map(([k, kernel]) => [k, { kernel, ms: {}, timedOn: 'seeded', at: '2026-12-02' }]));
  setTuningStore(memoryTuningStore({ version: 1, adapters: { [adapter]: entries } }));
  setAutotuneMode('cache');
}

// [name, A shape, B shape, transA, transB, with an addend (matmulAdd)]
const PRODUCTS: [string, number[], number[], boolean, boolean, boolean][] = [
  ['vec4 A·B', [37, 16], [16, 44], false, false, false],
  ['vec4 Aᵀ·Bᵀ batched', [2, 20, 36], [2, 44, 20], true, true, false],
  ['vec4 A·Bᵀ + D (Newton–Schulz)', [3, 36, 20], [3, 24, 20], false, true, true],
  ['odd A·B', [13, 7], [7, 9], false, false, false],
  // Three row blocks of the 32-row subgroup kernel, the last ragged; N = 2 mod 4 (scalar stores).
  ['vec4 A·Bᵀ, 70 rows', [70, 8], [10, 8], false, true, false],
  // A along M, B along N, with an addend: the tall Newton–Schulz products (XᵀX, Qᵀ·G + p₀G).
  ['vec4 Aᵀ·B + D batched', [3, 20, 36], [3, 20, 24], true, false, true],
];

describe.each(PRODUCTS)('matmul, %s: every row the tuner may pick', (_name, sa, sb, transA, transB, add) => {
  const M = transA ? sa[sa.length - 1]! : sa[sa.length - 2]!;
  const N = transB ? sb[sb.length - 2]! : sb[sb.length - 1]!;
  const shapeD = [...sa.slice(0, -2), M, N];
  const inputs = [{ shape: sa }, { shape: sb }, ...(add ? [{ shape: shapeD }] : [])];
  const run = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>, d?: ReturnType<typeof tensor>) =>
    d ? matmulAdd(a, b, d, { transA, transB, alpha: 1.5, beta: -0.5 }) : matmul(a, b, { transA, transB });
  const zeros = (s: number[]) => tensor(new Array(s.reduce((x, y) => x * y, 1)).fill(0), s);
  const [key] = classOf(() => void run(zeros(sa), zeros(sb), add ? zeros(shapeD) : undefined));
  // The candidates, from a problem of this class (the table's eligibility reads only these fields).
  const problem = { M, N, K: transA ? sa[sa.length - 2]! : sa[sa.length - 1]!, batch: 1, transA, transB, vec4: key!.includes(':vec4'), epilogue: add, uniforms: [], buffers: [], sizes: [] };
  const rows = tuningCandidates(MATMUL_TUNABLE, problem, gpu).map((r) => r.name);

  it('has a shape class and candidates', () => {
    expect(key).toMatch(/^matmul:/);
    expect(rows.length).toBeGreaterThan(add || !problem.vec4 ? 1 : 2);
  });
  it.each(rows)('cached choice %s: it runs, and matches the float64 reference', async (row) => {
    seed({ [key!]: row });
    const before = picked(`matmul/${row}`);
    await checkOp({
      inputs,
      gpu: ([a, b, d]) => run(a!, b!, d),
      ref: ([a, b, d]) => (d ? matmulAddRef(a!, sa, b!, sb, d, { transA, transB, alpha: 1.5, beta: -0.5 }) : matmulRef(a!, sa, b!, sb, { transA, transB })),
      grad: false,
      rtol: 1e-5,
      atol: 1e-5,
    });
    expect(picked(`matmul/${row}`)).toBe(before + 1);
  });
});

describe('grouped matmul: every row the tuner may pick', () => {
  // 45 slots over 5 experts, ragged (19, 4, 0, 9, 13 rows); in and out multiples of 4.
  const choices = Array.from({ length: 45 }, (_, i) => [0, 0, 4, 3, 0, 4, 1, 3, 4, 0][i % 10]!);
  const [E, O, I] = [5, 12, 8];
  const ref = routeRef(choices, E);
  const candidates = tuningCandidates(GROUPED_MATMUL_TUNABLE, { pass: 'forward', R: 45, O, I, E, buffers: [] }, gpu).map((r) => r.name);
  it.each(candidates)('cached choice %s for forward and backward: it runs; Y and the VJP match the reference', async (row) => {
    const routing = routeByExpert(tensor(choices, [45], 'i32'), E);
    const keys = classOf(() => {
      const x = tensor(new Array(45 * I).fill(0), [45, I]);
      groupedMatmul(x, tensor(new Array(E * O * I).fill(0), [E, O, I]), routing);
    });
    const backwardKey = keys[0]!.replace(':forward:', ':backward:');
    seed({ [keys[0]!]: row, [backwardKey]: row });
    const before = picked(`groupedMatmul/${row}`);
    await checkOp({
      inputs: [{ shape: [45, I] }, { shape: [E, O, I] }],
      gpu: ([x, w]) => groupedMatmul(x!, w!, routing),
      ref: ([x, w]) => groupedMatmulRef(x!, w!, ref.rowExpert, O, I),
    });
    expect(picked(`groupedMatmul/${row}`)).toBeGreaterThanOrEqual(before + 2); // forward and backward
  });
});

describe('autotune()', () => {
  it('times the candidates of a pending class, caches the fastest, and later calls run it', async () => {
    const store = memoryTuningStore();
    setTuningStore(store);
    setAutotuneMode('on');
    const [sa, sb] = [[40, 32], [32, 24]];
    const a = tensor(Array.from({ length: 40 * 32 }, (_, i) => Math.sin(i)), sa);
    const b = tensor(Array.from({ length: 32 * 24 }, (_, i) => Math.cos(i)), sb);
    const first = await matmul(a, b).read();
    const [key] = pendingTuning();
    expect(await autotune({ rounds: 1 })).toEqual([key]);
    expect(pendingTuning()).toEqual([]);
    const choice = (store.read() as TuningFile).adapters[adapter]![key!]!;
    const problem = { M: 40, N: 24, K: 32, batch: 1, transA: false, transB: false, vec4: true, epilogue: false, uniforms: [], buffers: [], sizes: [] };
    const rows = tuningCandidates(MATMUL_TUNABLE, problem, gpu).map((r) => r.name);
    expect(Object.keys(choice.ms).sort()).toEqual([...rows].sort());
    expect(rows).toContain(choice.kernel);
    // The fastest, or the default row (within 10% of it, or when a re-timing did not confirm the challenger).
    const fastest = Math.min(...Object.values(choice.ms));
    const fallback = pickKernel('matmul', MATMUL_KERNELS, preferredVariant(gpu), problem).name;
    if (choice.kernel !== fallback) expect(choice.ms[choice.kernel]).toBe(fastest);
    expect(Object.values(choice.ms).filter((ms) => ms > fastest).length).toBeGreaterThan(0);
    expect(tunedChoices(gpu)[key!]!.kernel).toBe(choice.kernel);
    const before = picked(`matmul/${choice.kernel}`);
    const tuned = await matmul(a, b).read();
    expect(picked(`matmul/${choice.kernel}`)).toBe(before + 1);
    // Only float32 summation-order noise between the default row and the tuned one.
    expect(tuned).toBeAllclose(matmulRef(await a.read(), sa, await b.read(), sb), { rtol: 1e-5, atol: 1e-5 });
    expect(tuned).toBeAllclose(first, { rtol: 1e-5, atol: 1e-5 });
  });
});

describe('a cached choice and new rows', () => {
  const a = () => tensor(new Array(37 * 16).fill(0.5), [37, 16]);
  const b = () => tensor(new Array(16 * 44).fill(0.25), [16, 44]);
  const problem = { M: 37, N: 44, K: 16, batch: 1, transA: false, transB: false, vec4: true, epilogue: false, uniforms: [], buffers: [], sizes: [] };
  const timedChoice = (key: string, rows: string[]): void => {
    const ms = Object.fromEntries(rows.map((r, i) => [r, 1 + i]));
    setTuningStore(memoryTuningStore({ version: 1, adapters: { [adapter]: { [key]: { kernel: rows[0]!, ms, timedOn: 'seeded', at: '2026-12-02' } } } }));
    setAutotuneMode('on');
  };
  it('a choice that timed every candidate is used and not tuned again', () => {
    const [key] = classOf(() => void matmul(a(), b()));
    const rows = tuningCandidates(MATMUL_TUNABLE, problem, gpu).map((r) => r.name);
    timedChoice(key!, [rows[1]!, ...rows.filter((r) => r !== rows[1])]); // a choice other than the default row
    const before = picked(`matmul/${rows[1]}`);
    matmul(a(), b());
    expect(picked(`matmul/${rows[1]}`)).toBe(before + 1);
    expect(pendingTuning()).toEqual([]);
  });
  it('a choice made before a candidate row existed still runs, and its class is tuned again', () => {
    const [key] = classOf(() => void matmul(a(), b()));
    const rows = tuningCandidates(MATMUL_TUNABLE, problem, gpu).map((r) => r.name);
    expect(rows.length).toBeGreaterThan(2);
    timedChoice(key!, [rows[1]!, ...rows.slice(0, -1).filter((r) => r !== rows[1])]); // chose rows[1]; the last row was never timed
    const before = picked(`matmul/${rows[1]}`);
    matmul(a(), b());
    expect(picked(`matmul/${rows[1]}`)).toBe(before + 1);
    expect(pendingTuning()).toEqual([key]);
  });
});

describe('autotune() decides from its timings', () => {
  const a = () => tensor(new Array(37 * 16).fill(0.5), [37, 16]);
  const b = () => tensor(new Array(16 * 44).fill(0.25), [16, 44]);
  const problem = { M: 37, N: 44, K: 16, batch: 1, transA: false, transB: false, vec4: true, epilogue: false, uniforms: [], buffers: [], sizes: [] };
  const fallback = pickKernel('matmul', MATMUL_KERNELS, preferredVariant(gpu), problem).name;
  const other = tuningCandidates(MATMUL_TUNABLE, problem, gpu).find((r) => r.name !== fallback)!.name;
  /** Tunes one class with fake timings: `ms(row, call)` for the call-th timing of that row. */
  async function tuneWith(ms: (row: string, call: number) => number): Promise<string> {
    const store = memoryTuningStore();
    setTuningStore(store);
    setAutotuneMode('on');
    matmul(a(), b());
    const [key] = pendingTuning();
    const calls = new Map<string, number>();
    const time = async (row: { name: string }): Promise<number> => {
      const n = (calls.get(row.name) ?? 0) + 1;
      calls.set(row.name, n);
      return ms(row.name, n);
    };
    await autotune({ rounds: 3, time });
    return store.read()!.adapters[adapter]![key!]!.kernel;
  }
  it('a row clearly faster than the default in both timings wins', async () => {
    expect(await tuneWith((row) => (row === other ? 1 : 5))).toBe(other);
  });
  it('the default stays when another row is faster by less than the margin', async () => {
    expect(await tuneWith((row) => (row === other ? 0.95 : row === fallback ? 1 : 5))).toBe(fallback);
  });
  it('the default stays when the re-timing does not confirm the challenger', async () => {
    // Calls 1 (warm-up) to 4 are the first rounds; from call 5 the challenger is slow.
    expect(await tuneWith((row, call) => (row === other ? (call <= 4 ? 1 : 9) : row === fallback ? 2 : 5))).toBe(fallback);
  });
});

describe('an unwritable cache', () => {
  it('does not stop tuning: the choice holds for the process, with a warning', async () => {
    const failing = { location: '/nonexistent/kernel-tuning.json', read: () => undefined, write: () => { throw new Error('EACCES'); } };
    setTuningStore(failing);
    setAutotuneMode('on');
    matmul(tensor(new Array(40 * 32).fill(1), [40, 32]), tensor(new Array(32 * 24).fill(1), [32, 24]));
    const [key] = pendingTuning();
    const warn = console.warn;
    const warnings: string[] = [];
    console.warn = (m: string) => void warnings.push(m);
    try {
      expect(await autotune({ rounds: 1, time: async () => 1 })).toEqual([key]);
    } finally {
      console.warn = warn;
    }
    expect(warnings.join()).toMatch(/could not write \/nonexistent\/kernel-tuning.json \(EACCES\)/);
    expect(tunedChoices(gpu)[key!]).toBeDefined();
  });
});

describe('what bypasses the cache', () => {
  const a = () => tensor(new Array(37 * 16).fill(0.5), [37, 16]);
  const b = () => tensor(new Array(16 * 44).fill(0.25), [16, 44]);
  const nonDefault = (): [string, string] => {
    const [key] = classOf(() => void matmul(a(), b()));
    const problem = { M: 37, N: 44, K: 16, batch: 1, transA: false, transB: false, vec4: true, epilogue: false, uniforms: [], buffers: [], sizes: [] };
    const fallback = pickKernel('matmul', MATMUL_KERNELS, preferredVariant(gpu), problem).name;
    const other = tuningCandidates(MATMUL_TUNABLE, problem, gpu).find((r) => r.name !== fallback)!.name;
    return [key!, other];
  };
  it('OPTIMLAB_AUTOTUNE=off runs the default row', () => {
    const [key, other] = nonDefault();
    seed({ [key]: other });
    setAutotuneMode('off');
    const before = picked(`matmul/${other}`);
    matmul(a(), b());
    expect(picked(`matmul/${other}`)).toBe(before);
  });
  it('a forced variant wins over the cache', () => {
    const [key, other] = nonDefault();
    seed({ [key]: other });
    setMatmulVariant(preferredVariant(gpu));
    const before = picked(`matmul/${other}`);
    matmul(a(), b());
    expect(picked(`matmul/${other}`)).toBe(before);
  });
});

describe('the tuning cache file', () => {
  it('lives in OPTIMLAB_TUNING_CACHE, else under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(tuningCachePath({ OPTIMLAB_TUNING_CACHE: '/x/t.json', XDG_CACHE_HOME: '/c' })).toBe('/x/t.json');
    expect(tuningCachePath({ XDG_CACHE_HOME: '/c' })).toBe('/c/optimlab/kernel-tuning.json');
    expect(tuningCachePath({})).toMatch(/\.cache\/optimlab\/kernel-tuning\.json$/);
  });
  it('round-trips through a temp file and a rename, and reads a corrupt file as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-tuning-'));
    const path = join(dir, 'sub', 'kernel-tuning.json');
    const store = fileTuningStore(path);
    expect(store.read()).toBeUndefined();
    const file: TuningFile = { version: 1, adapters: { [adapter]: { 'matmul:NN': { kernel: 'tiled', ms: { tiled: 1 }, timedOn: 'x', at: 'y' } } } };
    store.write(file);
    expect(store.read()).toEqual(file);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['kernel-tuning.json']);
    writeFileSync(path, '{ not json');
    expect(store.read()).toBeUndefined();
  });
});
