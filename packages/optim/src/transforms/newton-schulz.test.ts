/**
 * Newton–Schulz: GPU vs the float64 reference, and the singular values of the result in the band
 * the quintic is known to give (≈ 0.7–1.2 for Keller's coefficients at 5 steps) for random matrices
 * of several aspect ratios; 3 vs 5 vs 10 iterations reported.
 */
import { describe, expect, it } from 'vitest';
import { runtimeStats, scope, tensor } from '@optimlab/tensor-wgpu';
import { COEFFICIENTS, GRAM_MIN_ASPECT, newtonSchulz } from './newton-schulz.js';
import { newtonSchulzRef } from '../rules.ref.js';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import { singularValues } from '../test/svd.js';

const SHAPES: [number, number][] = [[16, 16], [12, 40], [48, 10], [8, 64]];

describe('Newton–Schulz orthogonalisation', () => {
  it.each(SHAPES)('%i×%i matches the float64 reference (Keller, 5 steps)', async (r, c) => {
    const g = randomArray(r * c, r * 100 + c);
    const got = await newtonSchulz(tensor(g, [r, c]), { steps: 5 }).read();
    expect(got).toBeAllclose(newtonSchulzRef(g, r, c, 5), { rtol: 1e-3, atol: 1e-4 });
  });

  it.each(SHAPES)('%i×%i: singular values after 3/5/10 steps', async (r, c) => {
    const g = randomArray(r * c, r * 7 + c);
    const report: string[] = [];
    for (const steps of [3, 5, 10]) {
      const x = Float64Array.from(await newtonSchulz(tensor(g, [r, c]), { steps }).read());
      const s = singularValues(x, r, c);
      report.push(`${steps} steps: σ ∈ [${Math.min(...s).toFixed(3)}, ${Math.max(...s).toFixed(3)}]`);
      // A random SQUARE matrix has σ_min ≈ 0 (its smallest σ/‖G‖_F is ~1e-3), which the quintic
      // lifts by a⁵ ≈ 480 only: the band holds there from 10 steps, for rectangular ones from 5.
      if (steps >= (r === c ? 10 : 5)) {
        expect(Math.min(...s)).toBeGreaterThan(0.6);
        expect(Math.max(...s)).toBeLessThan(1.25);
      }
    }
    console.log(`NS ${r}×${c} keller: ${report.join('; ')}`);
  });

  it('Polar Express converges tighter than the Keller quintic at 8 steps', async () => {
    const [r, c] = [24, 40];
    const g = randomArray(r * c, 5);
    const spread = async (coefficients: 'keller' | 'polarExpress'): Promise<number> => {
      const s = singularValues(Float64Array.from(await newtonSchulz(tensor(g, [r, c]), { steps: 8, coefficients }).read()), r, c);
      return Math.max(...s.map((v) => Math.abs(v - 1)));
    };
    const pe = await spread('polarExpress');
    expect(pe).toBeLessThan(await spread('keller'));
    expect(pe).toBeLessThan(0.05);
    expect(COEFFICIENTS.polarExpress.triples).toHaveLength(8);
  });

  it('batched: every matrix of a (n, r, c) stack equals its own orthogonalisation', async () => {
    const [n, r, c] = [3, 6, 10];
    const g = randomArray(n * r * c, 9);
    const batched = await newtonSchulz(tensor(g, [n, r, c])).read();
    for (let i = 0; i < n; i++) {
      const one = g.subarray(i * r * c, (i + 1) * r * c);
      expect(batched.subarray(i * r * c, (i + 1) * r * c)).toBeAllclose(newtonSchulzRef(one, r, c, 5), { rtol: 1e-3, atol: 1e-4 });
    }
  });

  it.each([
    ['wide', 12, 40],
    ['tall', 48, 10],
    ['wide', 16, 48], // the smallest aspect 'auto' takes
  ] as const)('Gram-space and direct iterations agree with the float64 rule (%s %i×%i, 3 and 5 steps)', async (_, r, c) => {
    const g = randomArray(r * c, r + c);
    for (const steps of [3, 5]) {
      const ref = newtonSchulzRef(g, r, c, steps);
      for (const gram of [true, false]) {
        expect(await newtonSchulz(tensor(g, [r, c]), { steps, gram }).read()).toBeAllclose(ref, { rtol: 1e-3, atol: 1e-4 });
      }
    }
  });

  /** A rank-`rank` matrix plus uniform noise of size `noise`. */
  function lowRank(r: number, c: number, rank: number, noise: number, seed: number): Float64Array {
    const [u, v, n] = [randomArray(r * rank, seed), randomArray(rank * c, seed + 1), randomArray(r * c, seed + 2)];
    return Float64Array.from({ length: r * c }, (_, i) => {
      let s = noise * n[i]!;
      for (let j = 0; j < rank; j++) s += u[Math.floor(i / c) * rank + j]! * v[j * c + (i % c)]!;
      return s;
    });
  }
  /** A random square matrix under zero rows, as Muon pads it into a call with taller ones. */
  function paddedSquare(k: number, height: number, seed: number): Float64Array {
    const out = new Float64Array(height * k);
    out.set(randomArray(k * k, seed));
    return out;
  }
  it.each([
    ['tall, exact rank 20', 256, 64, () => lowRank(256, 64, 20, 0, 3)],
    ['tall, rank 3 + 1e-5 noise', 48, 16, () => lowRank(48, 16, 3, 1e-5, 33)],
    ['wide, rank 4 + 1e-5 noise', 64, 256, () => lowRank(64, 256, 4, 1e-5, 7)],
    ['a random square one under zero rows', 128, 32, () => paddedSquare(32, 128, 9)],
  ] as const)('Gram space is as accurate as the direct iteration on a rank-deficient gradient: %s (%i×%i), 3 to 10 steps', async (_, r, c, make) => {
    const g = make();
    const report: string[] = [];
    const maxErr = (x: ArrayLike<number>, ref: ArrayLike<number>): number => Math.max(...Array.from(x, (v, i) => Math.abs(v - ref[i]!)));
    for (const steps of [3, 5, 8, 10]) {
      const ref = newtonSchulzRef(g, r, c, steps);
      const gram = maxErr(await newtonSchulz(tensor(g, [r, c]), { steps, gram: true }).read(), ref);
      const direct = maxErr(await newtonSchulz(tensor(g, [r, c]), { steps, gram: false }).read(), ref);
      report.push(`${steps} steps: Gram ${gram.toExponential(1)}, direct ${direct.toExponential(1)}`);
      expect(gram).toBeLessThan(2 * direct + 1e-5);
    }
    // Polar Express's first a is 8.2: its 8 steps agree between the two iterations too.
    const pe = async (gram: boolean): Promise<Float32Array> => (await newtonSchulz(tensor(g, [r, c]), { steps: 8, coefficients: 'polarExpress', gram }).read()) as Float32Array;
    expect(await pe(true)).toBeAllclose(await pe(false), { rtol: 1e-3, atol: 1e-4 });
    console.log(`NS max |error| vs float64, ${r}×${c}: ${report.join('; ')}`);
  });

  /** Dispatches that one call enqueues (the two iterations differ in kernels per step). */
  function dispatchesOf(run: () => unknown): number {
    const before = runtimeStats().dispatches;
    scope(() => void run());
    return runtimeStats().dispatches - before;
  }

  it('each path runs its own kernels: 3 per direct step; a Gram segment of 3 steps is 13 (G, 1 + 5 + 5, X)', () => {
    const x = tensor(randomArray(16 * 48, 4), [16, 48]);
    const count = (gram: boolean | 'auto', steps: number, shape = [16, 48]): number => dispatchesOf(() => newtonSchulz(x.view(shape), { steps, gram }));
    expect(count(false, 5) - count(false, 4)).toBe(3);
    expect(count(true, 6) - count(true, 3)).toBe(13);
    expect(count(true, 5)).not.toBe(count(false, 5));
    x.dispose();
  });

  it("'auto' takes Gram space from an aspect of GRAM_MIN_ASPECT, with 3 steps or more", async () => {
    const g = randomArray(16 * 48, 4);
    const run = async (gram: boolean | 'auto', steps = 5, shape = [16, 48]): Promise<number[]> => Array.from(await newtonSchulz(tensor(g, shape), { steps, gram }).read());
    const kernels = (gram: boolean | 'auto', steps = 5, shape = [16, 48]): number => dispatchesOf(() => newtonSchulz(tensor(g, shape), { steps, gram }));
    expect(GRAM_MIN_ASPECT).toBe(3);
    expect(kernels('auto')).toBe(kernels(true));
    expect(await run('auto')).toEqual(await run(true));
    expect(kernels('auto', 2)).toBe(kernels(false, 2));
    expect(kernels('auto', 5, [24, 32])).toBe(kernels(false, 5, [24, 32]));
    expect(await run('auto', 5, [24, 32])).toEqual(await run(false, 5, [24, 32]));
  });

  /** Rows (or columns) in bitwise-equal pairs, as tied or copied neurons give. */
  function duplicated(r: number, c: number, along: 'rows' | 'columns', seed: number): Float64Array {
    const g = new Float64Array(r * c);
    const half = along === 'rows' ? randomArray((r / 2) * c, seed) : randomArray(r * (c / 2), seed);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) g[i * c + j] = along === 'rows' ? half[(i >> 1) * c + j]! : half[i * (c / 2) + (j >> 1)]!;
    return g;
  }
  it.each([
    ['rows', 16, 64],
    ['columns', 64, 16],
  ] as const)('duplicated %s (%i×%i): Gram space keeps them equal and stays as close to the float64 rule as the direct iteration, 3 to 10 steps', async (along, r, c) => {
    const g = duplicated(r, c, along, 5);
    const report: string[] = [];
    const maxErr = (x: ArrayLike<number>, ref: ArrayLike<number>): number => Math.max(...Array.from(x, (v, i) => Math.abs(v - ref[i]!)));
    const pairsEqual = (x: Float32Array): boolean =>
      along === 'rows' ? Array.from({ length: r / 2 }, (_, k) => x.subarray(2 * k * c, (2 * k + 1) * c).every((v, j) => v === x[(2 * k + 1) * c + j])).every(Boolean) : Array.from(x).every((v, i) => i % 2 === 1 || v === x[i + 1]);
    for (const steps of [3, 5, 8, 10]) {
      const ref = newtonSchulzRef(g, r, c, steps);
      const gramOut = (await newtonSchulz(tensor(g, [r, c]), { steps, gram: true }).read()) as Float32Array;
      const directOut = (await newtonSchulz(tensor(g, [r, c]), { steps, gram: false }).read()) as Float32Array;
      const [gram, direct] = [maxErr(gramOut, ref), maxErr(directOut, ref)];
      report.push(`${steps} steps: Gram ${gram.toExponential(1)}, direct ${direct.toExponential(1)}`);
      expect(pairsEqual(gramOut), `${steps} steps: Gram-space pairs equal`).toBe(true);
      expect(pairsEqual(directOut), `${steps} steps: direct pairs equal`).toBe(true);
      expect(gram).toBeLessThan(2 * direct + 3e-6);
    }
    console.log(`NS max |error| vs float64, duplicated ${along} ${r}×${c}: ${report.join('; ')}`);
  });

  describe("Turbo-Muon's AOL start (precondition: 'aol')", () => {
    const aolRef = (g: Float64Array, r: number, c: number, steps: number): Float64Array => newtonSchulzRef(g, r, c, steps, undefined, 1, 1e-7, 'aol');
    it.each([...SHAPES, [64, 256], [256, 64]] as [number, number][])('%i×%i matches the float64 rule at 3, 4 and 5 steps, direct and in Gram space, as tightly as the Frobenius start', async (r, c) => {
      const g = randomArray(r * c, r * 13 + c);
      for (const steps of [3, 4, 5]) {
        for (const gram of [true, false]) {
          const got = await newtonSchulz(tensor(g, [r, c]), { steps, gram, precondition: 'aol' }).read();
          expect(got, `${steps} steps, gram ${gram}`).toBeAllclose(aolRef(g, r, c, steps), { rtol: 1e-3, atol: 1e-4 });
        }
      }
    });
    it('is scale-invariant, keeps zero padding rows zero, and batches', async () => {
      const [n, r, c] = [3, 12, 40];
      const g = randomArray(n * r * c, 21);
      g.fill(0, r * c - 2 * c, r * c); // the first matrix's last two rows are zero
      const got = await newtonSchulz(tensor(g, [n, r, c]), { steps: 4, precondition: 'aol' }).read();
      const scaled = await newtonSchulz(tensor(g.map((v) => 1e-3 * v), [n, r, c]), { steps: 4, precondition: 'aol' }).read();
      expect(scaled).toBeAllclose(got, { rtol: 1e-4, atol: 1e-5 });
      for (let i = 0; i < n; i++) {
        expect(got.subarray(i * r * c, (i + 1) * r * c)).toBeAllclose(aolRef(g.subarray(i * r * c, (i + 1) * r * c), r, c, 4), { rtol: 1e-3, atol: 1e-4 });
      }
      expect(Array.from(got.subarray(r * c - 2 * c, r * c)).every((v) => v === 0)).toBe(true);
    });
    it('lifts the small singular values at least as far as the Frobenius start in as many steps; reports 4 vs 5 steps (float64 rule)', () => {
      // Keller's quintic settles in a band around 1 (≈ 0.7–1.3) and does not converge to 1, so the
      // measure is how far it has lifted the smallest σ into that band.
      const report: string[] = [];
      for (const [r, c] of [[12, 40], [48, 10], [64, 256], [32, 96], [256, 64]] as [number, number][]) {
        // A decaying spectrum, as gradients have: columns of a random matrix scaled by 0.9^j.
        const g = randomArray(r * c, r + 3 * c).map((v, i) => v * 0.9 ** (i % c));
        const lowest = (x: Float64Array): number => Math.min(...singularValues(x, r, c));
        const [aol4, frob5, frob4] = [lowest(aolRef(g, r, c, 4)), lowest(newtonSchulzRef(g, r, c, 5)), lowest(newtonSchulzRef(g, r, c, 4))];
        report.push(`${r}×${c}: σ_min aol4 ${aol4.toFixed(3)}, frobenius4 ${frob4.toFixed(3)}, frobenius5 ${frob5.toFixed(3)}`);
        // A better start: never behind the Frobenius start at the same number of steps.
        expect(aol4).toBeGreaterThanOrEqual(frob4 - 0.005);
      }
      console.log(`NS AOL: ${report.join('; ')}`);
    });
  });

  it('outputScale multiplies the result (folded into the last iteration)', async () => {
    const [r, c] = [20, 12];
    const g = randomArray(r * c, 11);
    const got = await newtonSchulz(tensor(g, [r, c]), { steps: 3, outputScale: 1.7 }).read();
    expect(got).toBeAllclose(newtonSchulzRef(g, r, c, 3).map((v) => 1.7 * v), { rtol: 1e-3, atol: 1e-4 });
  });

  it('rejects bad arguments', () => {
    expect(() => newtonSchulz(tensor([1, 2, 3]))).toThrow(/needs \(rows, cols\)/);
    expect(() => newtonSchulz(tensor([1, 2, 3, 4], [2, 2]), { steps: 0 })).toThrow(/positive integer/);
  });
});
