/**
 * Newton–Schulz: GPU vs the float64 reference, and the singular values of the result in the band
 * the quintic is known to give (≈ 0.7–1.2 for Keller's coefficients at 5 steps) for random matrices
 * of several aspect ratios; 3 vs 5 vs 10 iterations reported.
 */
import { describe, expect, it } from 'vitest';
import { tensor } from '@optimlab/tensor-wgpu';
import { COEFFICIENTS, newtonSchulz } from './newton-schulz.js';
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

  it('auto leaves a square matrix to the direct iteration (Gram space is less accurate there: P grows as 1/σ_min)', async () => {
    const g = randomArray(16 * 16, 32);
    const auto = await newtonSchulz(tensor(g, [16, 16])).read();
    expect(Array.from(auto)).toEqual(Array.from(await newtonSchulz(tensor(g, [16, 16]), { gram: false }).read()));
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

  it('Gram space stays within float32 reach of the rule on an ill-conditioned gradient (rank 3 + 1e-5 noise)', async () => {
    const [r, c] = [16, 64];
    const [u, v, noise] = [randomArray(r * 3, 1), randomArray(3 * c, 2), randomArray(r * c, 3)];
    const g = Float64Array.from({ length: r * c }, (_, i) => {
      const [row, col] = [Math.floor(i / c), i % c];
      let s = 1e-5 * noise[i]!;
      for (let j = 0; j < 3; j++) s += u[row * 3 + j]! * v[j * c + col]!;
      return s;
    });
    const ref = newtonSchulzRef(g, r, c, 5);
    const direct = await newtonSchulz(tensor(g, [r, c]), { gram: false }).read();
    const gram = await newtonSchulz(tensor(g, [r, c]), { gram: true }).read();
    const err = (x: ArrayLike<number>): number => Math.max(...Array.from(x, (v, i) => Math.abs(v - ref[i]!)));
    console.log(`NS rank-3 16×64: max |error| direct ${err(direct).toExponential(2)}, Gram ${err(gram).toExponential(2)}`);
    expect(gram).toBeAllclose(ref, { rtol: 1e-3, atol: 1e-4 });
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
