import { describe, expect, it } from 'vitest';
import { tensor } from '../../creation.js';
import { randomArray } from '../../test/random.js';
import { householderQ, rayleighOrder, symmetricEigh } from './linalg.js';
import { eighRef, qrRef, rayleighOrderRef } from './linalg.ref.js';

const matmulT = (a: ArrayLike<number>, b: ArrayLike<number>, n: number, transB: boolean): Float64Array => {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k]! * (transB ? b[j * n + k]! : b[k * n + j]!);
    out[i * n + j] = s;
  }
  return out;
};
const transpose = (a: ArrayLike<number>, n: number): Float64Array => Float64Array.from({ length: n * n }, (_, i) => a[(i % n) * n + Math.floor(i / n)]!);
/** U·diag(λ)·Uᵀ with U orthogonal (QR of a random matrix). */
function withSpectrum(lambda: readonly number[], seed: number): Float64Array {
  const n = lambda.length;
  const u = qrRef(randomArray(n * n, seed), n);
  const ul = Float64Array.from(u, (x, i) => x * lambda[i % n]!);
  return matmulT(ul, u, n, true);
}
const maxAbs = (xs: ArrayLike<number>): number => Math.max(0, ...Array.from(xs, Math.abs));

describe('symmetricEigh', () => {
  it.each([1, 2, 5, 17, 33])('n = %i, a stack of 3 with separated eigenvalues: λ and ±v match the float64 Jacobi', async (n) => {
    const spectra = [0, 1, 2].map((b) => Array.from({ length: n }, (_, i) => (b + 1) * (1 + 2 * i) * (i % 2 ? -1 : 1)));
    const mats = spectra.map((l, b) => withSpectrum(l, 10 * n + b));
    const a = new Float64Array(3 * n * n);
    mats.forEach((m, b) => a.set(m, b * n * n));
    const { vectors, values } = symmetricEigh(tensor(a, [3, n, n]));
    const [vecs, vals] = [await vectors.read(), await values.read()];
    for (let b = 0; b < 3; b++) {
      const ref = eighRef(mats[b]!, n);
      const scale = maxAbs(ref.values);
      expect(vals.subarray(b * n, (b + 1) * n)).toBeAllclose(ref.values, { rtol: 0, atol: 1e-5 * scale });
      for (let c = 0; c < n; c++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vecs[b * n * n + i * n + c]! * ref.vectors[i * n + c]!;
        expect(Math.abs(dot), `matrix ${b} column ${c}`).toBeCloseTo(1, 5);
      }
    }
  });

  it('a rank-deficient Gram matrix GGᵀ (12×12 of rank 5): AV = VΛ and VᵀV = I', async () => {
    const n = 12;
    const g = randomArray(n * 5, 3);
    const a = Float64Array.from({ length: n * n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < 5; k++) s += g[Math.floor(i / n) * 5 + k]! * g[(i % n) * 5 + k]!;
      return s;
    });
    const { vectors, values } = symmetricEigh(tensor(a, [n, n]));
    const [v, l] = [Float64Array.from(await vectors.read()), Float64Array.from(await values.read())];
    const av = matmulT(a, v, n, false);
    const vl = Float64Array.from(v, (x, i) => x * l[i % n]!);
    expect(maxAbs(av.map((x, i) => x - vl[i]!))).toBeLessThan(1e-5 * maxAbs(l));
    const vtv = matmulT(transpose(v, n), v, n, false);
    expect(maxAbs(vtv.map((x, i) => x - (Math.floor(i / n) === i % n ? 1 : 0)))).toBeLessThan(1e-5);
    expect(l.slice(5).every((x) => Math.abs(x) < 1e-5 * l[0]!)).toBe(true);
    expect(Array.from(l).every((x, i) => i === 0 || x <= l[i - 1]!)).toBe(true);
  });

  it('rejects what is not a stack of square matrices', () => {
    expect(() => symmetricEigh(tensor([1, 2], [1, 2]))).toThrow(/square/);
  });
});

describe('householderQ', () => {
  it.each([1, 3, 16, 31])('n = %i, a stack of 2: Q matches Gram–Schmidt up to column signs, QᵀQ = I', async (n) => {
    const a = randomArray(2 * n * n, n);
    const q = Float64Array.from(await householderQ(tensor(a, [2, n, n])).read());
    for (let b = 0; b < 2; b++) {
      const [mine, ab] = [q.subarray(b * n * n, (b + 1) * n * n), a.subarray(b * n * n, (b + 1) * n * n)];
      const ref = qrRef(ab, n);
      const r = matmulT(transpose(mine, n), ab, n, false); // R = QᵀA
      const signed = Float64Array.from(mine, (x, i) => x * Math.sign(r[(i % n) * n + (i % n)]!));
      expect(signed).toBeAllclose(ref, { rtol: 0, atol: 5e-5 });
      for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(r[i * n + j]!)).toBeLessThan(1e-4); // upper triangular
    }
  });

  it('a rank-deficient matrix (two equal columns, a zero one) still gives an orthogonal Q with A = QR', async () => {
    const n = 6;
    const a = randomArray(n * n, 8);
    for (let i = 0; i < n; i++) {
      a[i * n + 3] = a[i * n + 1]!;
      a[i * n + 5] = 0;
    }
    const q = Float64Array.from(await householderQ(tensor(a, [n, n])).read());
    const qtq = matmulT(transpose(q, n), q, n, false);
    expect(maxAbs(qtq.map((x, i) => x - (Math.floor(i / n) === i % n ? 1 : 0)))).toBeLessThan(1e-5);
    const r = matmulT(transpose(q, n), a, n, false);
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) expect(Math.abs(r[i * n + j]!)).toBeLessThan(1e-5);
    expect(maxAbs(matmulT(q, r, n, false).map((x, i) => x - a[i]!))).toBeLessThan(1e-5);
  });
});

describe('rayleighOrder', () => {
  it.each([1, 7, 20])('n = %i, a stack of 2: the columns ordered by qᵀLq, descending', async (n) => {
    const l = randomArray(2 * n * n, 40 + n);
    const q = randomArray(2 * n * n, 50 + n);
    const perm = await rayleighOrder(tensor(l, [2, n, n]), tensor(q, [2, n, n])).read();
    for (let b = 0; b < 2; b++) {
      expect(Array.from(perm.subarray(b * n, (b + 1) * n))).toEqual(rayleighOrderRef(l.subarray(b * n * n, (b + 1) * n * n), q.subarray(b * n * n, (b + 1) * n * n), n));
    }
  });
});

describe('orders with NaN present', () => {
  it('rayleighOrder and symmetricEigh still write a permutation (NaN ranks last)', async () => {
    const n = 5;
    const l = Float64Array.from(randomArray(n * n, 3));
    l[2 * n + 2] = NaN;
    const perm = Array.from(await rayleighOrder(tensor(l, [n, n]), tensor(randomArray(n * n, 4), [n, n])).read());
    expect([...perm].sort()).toEqual([0, 1, 2, 3, 4]);
    const a = Float64Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? i : 0));
    a[n + 1] = NaN;
    const values = Array.from(await symmetricEigh(tensor(a, [n, n]), { sweeps: 1 }).values.read());
    expect(values.filter(Number.isNaN).length).toBeGreaterThan(0);
    expect(Number.isNaN(values[n - 1]!)).toBe(true);
  });
});
