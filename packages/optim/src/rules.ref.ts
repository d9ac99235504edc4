/**
 * Float64 references of the published update rules (shared/reference/optimizers.md), plain loops
 * over one parameter at a time. `step(p, g, t)` mutates p (Float64Array) for step t = 1, 2, …
 */
export type RefStep = (p: Float64Array, g: Float64Array, t: number) => void;
export interface RefOptimizer {
  /** Fresh per-parameter state and step function. `shape` is (rows, cols) for matrices. */
  make(shape: readonly number[], name: string): RefStep;
}

const elementwise = (fn: (state: Float64Array[], p: Float64Array, g: Float64Array, t: number, i: number) => void, slots: number): RefOptimizer => ({
  make: (shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const state = Array.from({ length: slots }, () => new Float64Array(n));
    return (p, g, t) => {
      for (let i = 0; i < n; i++) fn(state, p, g, t, i);
    };
  },
});

export const sgdRef = (lr: number, wd = 0): RefOptimizer => elementwise((_s, p, g, _t, i) => (p[i]! -= lr * (g[i]! + wd * p[i]!)), 0);

/** PyTorch SGD: b ← μb + g; nesterov: d = g + μb, else d = b. */
export const momentumRef = (lr: number, mu: number, nesterov: boolean): RefOptimizer =>
  elementwise(([b], p, g, _t, i) => {
    b![i] = mu * b![i]! + g[i]!;
    p[i]! -= lr * (nesterov ? g[i]! + mu * b![i]! : b![i]!);
  }, 1);

export const adagradRef = (lr: number, eps: number): RefOptimizer =>
  elementwise(([s], p, g, _t, i) => {
    s![i] = s![i]! + g[i]! ** 2;
    p[i]! -= (lr * g[i]!) / (Math.sqrt(s![i]!) + eps);
  }, 1);

export const rmspropRef = (lr: number, alpha: number, eps: number): RefOptimizer =>
  elementwise(([v], p, g, _t, i) => {
    v![i] = alpha * v![i]! + (1 - alpha) * g[i]! ** 2;
    p[i]! -= (lr * g[i]!) / (Math.sqrt(v![i]!) + eps);
  }, 1);

/** PyTorch AdamW: θ ← θ(1 − lr·λ); θ ← θ − lr·m̂/(√v̂ + eps). `lr` may depend on t. */
export const adamwRef = (lr: (t: number) => number, b1: number, b2: number, eps: number, wd: number): RefOptimizer =>
  elementwise(([m, v], p, g, t, i) => {
    m![i] = b1 * m![i]! + (1 - b1) * g[i]!;
    v![i] = b2 * v![i]! + (1 - b2) * g[i]! ** 2;
    const mHat = m![i]! / (1 - b1 ** t);
    const vHat = v![i]! / (1 - b2 ** t);
    p[i] = p[i]! * (1 - lr(t) * wd) - (lr(t) * mHat) / (Math.sqrt(vHat) + eps);
  }, 2);

export const signSgdRef = (lr: number): RefOptimizer => elementwise((_s, p, g, _t, i) => (p[i]! -= lr * Math.sign(g[i]!)), 0);

export const signumRef = (lr: number, mu: number): RefOptimizer =>
  elementwise(([b], p, g, _t, i) => {
    b![i] = mu * b![i]! + (1 - mu) * g[i]!;
    p[i]! -= lr * Math.sign(b![i]!);
  }, 1);

/** lucidrains Lion: θ ← θ(1 − lr·wd); c = b1·m + (1−b1)g; θ ← θ − lr·sign(c); m ← b2·m + (1−b2)g. */
export const lionRef = (lr: number, b1: number, b2: number, wd: number): RefOptimizer =>
  elementwise(([m], p, g, _t, i) => {
    p[i] = p[i]! * (1 - lr * wd);
    p[i]! -= lr * Math.sign(b1 * m![i]! + (1 - b1) * g[i]!);
    m![i] = b2 * m![i]! + (1 - b2) * g[i]!;
  }, 1);

// ---- Muon (KellerJordan/Muon muon_update + zeropower), float64 ----

function matmul(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let l = 0; l < k; l++) acc += a[i * k + l]! * b[l * n + j]!;
    out[i * n + j] = acc;
  }
  return out;
}

function transposed(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** Polar Express coefficients as GPT-opt's polar.py builds them (safety 1.01 on all but the last). */
export const POLAR_EXPRESS_REF = {
  triples: [
    [8.28721201814563, -23.595886519098837, 17.300387312530933],
    [4.107059111542203, -2.9478499167379106, 0.5448431082926601],
    [3.9486908534822946, -2.908902115962949, 0.5518191394370137],
    [3.3184196573706015, -2.488488024314874, 0.51004894012372],
    [2.300652019954817, -1.6689039845747493, 0.4188073119525673],
    [1.891301407787398, -1.2679958271945868, 0.37680408948524835],
    [1.8750014808534479, -1.2500016453999487, 0.3750001645474248],
    [1.875, -1.25, 0.375],
  ].map(([a, b, c], i, all) => (i === all.length - 1 ? [a!, b!, c!] : [a! / 1.01, b! / 1.01 ** 3, c! / 1.01 ** 5])),
  normScale: 1.01,
};

/** X ← aX + (bA + cA²)X, A = XXᵀ, from X₀ = G/(‖G‖_F·normScale + eps); works on Gᵀ when tall. */
export function newtonSchulzRef(
  g: Float64Array, rows: number, cols: number, steps: number,
  triples: readonly (readonly number[])[] = [[3.4445, -4.775, 2.0315]], normScale = 1, eps = 1e-7, precondition: 'frobenius' | 'aol' = 'frobenius',
): Float64Array {
  const tall = rows > cols;
  const [r, c] = tall ? [cols, rows] : [rows, cols];
  let x = tall ? transposed(g, rows, cols) : Float64Array.from(g);
  if (precondition === 'aol') {
    // Turbo-Muon's AOL start: row i of the (short-side) X scaled by (Σ_j |(XXᵀ)_ij| + 1e-30)^(-1/2).
    const A = matmul(x, transposed(x, r, c), r, c, r);
    const s = Array.from({ length: r }, (_, i) => 1 / Math.sqrt(A.subarray(i * r, (i + 1) * r).reduce((t, v) => t + Math.abs(v), 0) + 1e-30));
    x = x.map((v, j) => v * s[Math.floor(j / c)]!);
  } else {
    const norm = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
    x = x.map((v) => v / (norm * normScale + eps));
  }
  for (let i = 0; i < steps; i++) {
    const [a, b, cc] = triples[Math.min(i, triples.length - 1)]!;
    const A = matmul(x, transposed(x, r, c), r, c, r);
    const AA = matmul(A, A, r, r, r);
    const B = A.map((v, j) => b! * v + cc! * AA[j]!);
    const BX = matmul(B, x, r, r, c);
    x = x.map((v, j) => a! * v + BX[j]!);
  }
  return tall ? transposed(x, r, c) : x;
}

/**
 * newtonSchulzRef on every matrix of `shape`: (rows, cols) is one matrix, (E, rows, cols) a stack of
 * E, each orthogonalised on its own (the rule for 3-D expert stacks, partition-rule.ts).
 */
export function newtonSchulzStackRef(
  g: Float64Array, shape: readonly number[], steps: number,
  triples?: readonly (readonly number[])[], normScale?: number,
): Float64Array {
  const [rows, cols] = shape.slice(-2) as [number, number];
  const out = new Float64Array(g.length);
  for (let at = 0; at < g.length; at += rows * cols) {
    out.set(newtonSchulzRef(g.subarray(at, at + rows * cols), rows, cols, steps, triples, normScale), at);
  }
  return out;
}

/** Keller Jordan's Muon: M ← lerp(M, G, 1−β); U = lerp(G, M, β) (Nesterov) or M; O = NS(U)·√max(1, r/c); θ ← θ(1−lr·wd) − lr·O. */
export const muonRef = (lr: number, beta: number, wd: number, nsSteps: number, nesterov = true): RefOptimizer => ({
  make: ([rows, cols]) => {
    const m = new Float64Array(rows! * cols!);
    return (p, g) => {
      for (let i = 0; i < m.length; i++) m[i] = m[i]! + (1 - beta) * (g[i]! - m[i]!);
      const u = nesterov ? g.map((v, i) => v + beta * (m[i]! - v)) : Float64Array.from(m);
      const o = newtonSchulzRef(u, rows!, cols!, nsSteps);
      const scale = Math.sqrt(Math.max(1, rows! / cols!));
      for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - lr * wd) - lr * scale * o[i]!;
    };
  },
});
