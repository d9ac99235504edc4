/**
 * Float64 references of the optimizers added after the seeds, each written from its paper's
 * algorithm box or its authors' code (cited per function), independently of the GPU code:
 * AdEMAMix, NorMuon, Muon with a split q/k/v projection, and SOAP. Same interface as rules.ref.ts.
 */
import { newtonSchulzRef, newtonSchulzStackRef, type RefOptimizer } from './rules.ref.js';
import { eighRef, qrRef } from '@optimlab/tensor-wgpu/testing';

export interface AdemamixRef {
  readonly lr: number;
  readonly b1: number;
  readonly b2: number;
  readonly b3: number;
  readonly alpha: number;
  readonly eps: number;
  readonly wd: number;
  readonly alphaWarmup: number;
  readonly b3Warmup: number;
}

/**
 * apple/ml-ademamix (AdEMAMix.step): linear α warmup from 0, β3 warmup linear in the half-life
 * ln(0.5)/ln β − 1 from β1; p ← p(1 − lr·wd); p ← p − lr·(m1/bc1 + α·m2)/(√v/√bc2 + ε).
 */
export const ademamixRef = (o: AdemamixRef): RefOptimizer => ({
  make: (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const [m1, m2, v] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const halfLife = (beta: number): number => Math.log(0.5) / Math.log(beta) - 1;
    const fromHalfLife = (h: number): number => 0.5 ** (1 / (h + 1));
    return (p, g, t) => {
      const alpha = o.alphaWarmup > 0 && t < o.alphaWarmup ? (t / o.alphaWarmup) * o.alpha : o.alpha;
      const a = t / o.b3Warmup;
      const b3 = o.b3Warmup > 0 && t < o.b3Warmup ? fromHalfLife((1 - a) * halfLife(o.b1) + a * halfLife(o.b3)) : o.b3;
      const bc1 = 1 - o.b1 ** t;
      const bc2 = 1 - o.b2 ** t;
      for (let i = 0; i < n; i++) {
        m1[i] = o.b1 * m1[i]! + (1 - o.b1) * g[i]!;
        m2[i] = b3 * m2[i]! + (1 - b3) * g[i]!;
        v[i] = o.b2 * v[i]! + (1 - o.b2) * g[i]! ** 2;
        p[i] = p[i]! * (1 - o.lr * o.wd);
        p[i] = p[i]! - (o.lr * (m1[i]! / bc1 + alpha * m2[i]!)) / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + o.eps);
      }
    };
  },
});

/**
 * NorMuon, arXiv:2510.05491 Algorithm 1, per matrix (m × n; a 3-D shape is a stack of them):
 * M ← β1M + (1−β1)G; O = NS5(M); v ← β2v + (1−β2)·mean_cols(O⊙O); Ô = O ⊘ (√v + ε);
 * η̂ = 0.2·η·√(mn)/max(‖Ô‖_F, 1e-10); W ← W − ηλW − η̂Ô.
 */
export const normuonRef = (lr: number, b1: number, b2: number, eps: number, wd: number, nsSteps: number): RefOptimizer => ({
  make: (shape) => {
    const [m, n] = shape.slice(-2) as [number, number];
    const stacks = shape.length === 3 ? shape[0]! : 1;
    const M = new Float64Array(stacks * m * n);
    const v = new Float64Array(stacks * m);
    return (p, g) => {
      for (let i = 0; i < M.length; i++) M[i] = b1 * M[i]! + (1 - b1) * g[i]!;
      const O = newtonSchulzStackRef(M, shape, nsSteps);
      for (let e = 0; e < stacks; e++) {
        const base = e * m * n;
        const oHat = new Float64Array(m * n);
        for (let r = 0; r < m; r++) {
          let meanSq = 0;
          for (let c = 0; c < n; c++) meanSq += O[base + r * n + c]! ** 2 / n;
          v[e * m + r] = b2 * v[e * m + r]! + (1 - b2) * meanSq;
          for (let c = 0; c < n; c++) oHat[r * n + c] = O[base + r * n + c]! / (Math.sqrt(v[e * m + r]!) + eps);
        }
        const norm = Math.sqrt(oHat.reduce((s, x) => s + x * x, 0));
        const etaHat = (0.2 * lr * Math.sqrt(m * n)) / Math.max(norm, 1e-10); // a zero update stays zero
        for (let i = 0; i < m * n; i++) p[base + i] = p[base + i]! - lr * wd * p[base + i]! - etaHat * oHat[i]!;
      }
    };
  },
});

/**
 * Keller Jordan's Muon (rules.ref.ts muonRef) with the q/k/v projection orthogonalised in row
 * blocks: `pieces(name, shape)` blocks of rows/pieces rows each, every block its own matrix with
 * its own scale √max(1, blockRows/cols) (modded-nanogpt's per-head / per-projection records).
 */
export const muonBlocksRef = (lr: number, beta: number, wd: number, nsSteps: number, pieces: (name: string, shape: readonly number[]) => number): RefOptimizer => ({
  make: (shape, name) => {
    const [rows, cols] = shape as [number, number];
    const k = pieces(name, shape);
    const blockRows = rows / k;
    const m = new Float64Array(rows * cols);
    return (p, g) => {
      for (let i = 0; i < m.length; i++) m[i] = m[i]! + (1 - beta) * (g[i]! - m[i]!);
      const u = g.map((x, i) => x + beta * (m[i]! - x));
      const scale = Math.sqrt(Math.max(1, blockRows / cols));
      for (let b = 0; b < k; b++) {
        const at = b * blockRows * cols;
        const o = newtonSchulzRef(u.subarray(at, at + blockRows * cols), blockRows, cols, nsSteps);
        for (let i = 0; i < o.length; i++) p[at + i] = p[at + i]! * (1 - lr * wd) - lr * scale * o[i]!;
      }
    };
  },
});

// ---- SOAP (nikhilvyas/SOAP soap.py, HEAD: m kept in the rotated basis) ----

const mm = (a: Float64Array, b: Float64Array, r: number, k: number, c: number, { ta = false, tb = false } = {}): Float64Array => {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {
    let s = 0;
    for (let l = 0; l < k; l++) s += (ta ? a[l * r + i]! : a[i * k + l]!) * (tb ? b[j * k + l]! : b[l * c + j]!);
    out[i * c + j] = s;
  }
  return out;
};

function permuteColumns(x: Float64Array, rows: number, cols: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) order.forEach((c, j) => (out[i * cols + j] = x[i * cols + c]!));
  return out;
}
/**
 * SOAP.step for one 2-D parameter, float64, following the reference code line by line (eigh and
 * QR from tensor-wgpu's float64 references; the update does not depend on the bases' column
 * signs): the first call initialises GG and Q (eigh) and skips; then project, Adam in the rotated basis, project
 * back, p ← p − step_size·N, p ← p − lr·wd·p, update_preconditioner (m back, GG lerp, every
 * `freq` steps Q ← qr(GG·Q[:, sort]) with v's index_select, m forward).
 */
export const soapRef = (lr: number, b1: number, b2: number, eps: number, wd: number, freq: number, maxDim = 10000): RefOptimizer => ({
  make: (shape) => {
    const [r, c] = shape as [number, number];
    let gl: Float64Array = new Float64Array(r * r);
    let gr: Float64Array = new Float64Array(c * c);
    let ql: Float64Array = new Float64Array(0);
    let qr: Float64Array = new Float64Array(0);
    let m: Float64Array = new Float64Array(r * c);
    let v: Float64Array = new Float64Array(r * c);
    let step = 0;
    let ready = false;
    const identity = (n: number): Float64Array => Float64Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
    // A dimension over max_precond_dim keeps no statistics and is not rotated (identity).
    const [rotL, rotR] = [r <= maxDim, c <= maxDim];
    const lerp = (a: Float64Array, b: Float64Array): Float64Array => a.map((x, i) => x + (1 - b2) * (b[i]! - x));
    const project = (x: Float64Array): Float64Array => mm(mm(ql, x, r, r, c, { ta: true }), qr, r, c, c);
    const projectBack = (x: Float64Array): Float64Array => mm(mm(ql, x, r, r, c), qr, r, c, c, { tb: true });
    const updatePreconditioner = (g: Float64Array): void => {
      if (ready) m = projectBack(m);
      if (rotL) gl = lerp(gl, mm(g, g, r, c, r, { tb: true }));
      if (rotR) gr = lerp(gr, mm(g, g, c, r, c, { ta: true }));
      if (!ready) [ql, qr, ready] = [rotL ? eighRef(gl, r).vectors : identity(r), rotR ? eighRef(gr, c).vectors : identity(c), true];
      if (step > 0 && step % freq === 0) {
        const sortBy = (gg: Float64Array, q: Float64Array, n: number): number[] => {
          const est = mm(mm(q, gg, n, n, n, { ta: true }), q, n, n, n);
          return Array.from({ length: n }, (_, i) => i).sort((i, j) => est[j * n + j]! - est[i * n + i]!);
        };
        if (rotL) {
          const rowOrder = sortBy(gl, ql, r);
          const vRows = new Float64Array(r * c);
          rowOrder.forEach((src, i) => vRows.set(v.subarray(src * c, (src + 1) * c), i * c));
          v = vRows;
          ql = qrRef(mm(gl, permuteColumns(ql, r, r, rowOrder), r, r, r), r);
        }
        if (rotR) {
          const colOrder = sortBy(gr, qr, c);
          v = permuteColumns(v, r, c, colOrder);
          qr = qrRef(mm(gr, permuteColumns(qr, c, c, colOrder), c, c, c), c);
        }
      }
      if (step > 0) m = project(m);
    };
    return (p, g) => {
      if (!ready) {
        updatePreconditioner(g);
        return;
      }
      const gp = project(g);
      step++;
      for (let i = 0; i < m.length; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * gp[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * gp[i]! ** 2;
      }
      const stepSize = (lr * Math.sqrt(1 - b2 ** step)) / (1 - b1 ** step);
      const n = projectBack(m.map((x, i) => x / (Math.sqrt(v[i]!) + eps)));
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - stepSize * n[i]!;
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * wd * p[i]!;
      updatePreconditioner(g);
    };
  },
});
