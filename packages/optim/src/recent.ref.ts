/**
 * Float64 references of the optimizers added after the seeds, each written from its paper's
 * algorithm box or its authors' code (cited per function), independently of the GPU code:
 * AdEMAMix, NorMuon and Muon with a split q/k/v projection. Same interface as rules.ref.ts.
 */
import { newtonSchulzRef, newtonSchulzStackRef, type RefOptimizer } from './rules.ref.js';

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
 * η̂ = 0.2·η·√(mn)/‖Ô‖_F; W ← W − ηλW − η̂Ô.
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
        const etaHat = (0.2 * lr * Math.sqrt(m * n)) / norm;
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
