/**
 * Float64 references for Shampoo, MuonH, Momo and MuonMax(-Momo): whole-model steps, since Momo
 * and MuonMax couple layers. Each takes named params (mutated) and named grads (+ loss). MuonH and
 * the MuonMax family take 3-D stacks (E, rows, cols) as E matrices, slice by slice.
 */
import { matrixPower } from '../test/matrix-power.js';
import { newtonSchulzStackRef, POLAR_EXPRESS_REF } from '../rules.ref.js';

export type Named = Record<string, Float64Array>;
export type Shapes = Record<string, readonly number[]>;
export type ModelStep = (params: Named, grads: Named, loss: number) => void;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, transA = false, transB = false): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let l = 0; l < k; l++) acc += a[transA ? l * m + i : i * k + l]! * b[transB ? j * k + l : l * n + j]!;
    out[i * n + j] = acc;
  }
  return out;
}

/** Shampoo as in advanced/shampoo.ts, inverse roots by eigendecomposition. */
export function shampooRef(shapes: Shapes, lr: number, beta = 0.95, mu = 0.9, eps = 1e-4): ModelStep {
  const st: Record<string, { l: Float64Array; r: Float64Array; u: Float64Array }> = {};
  for (const [n, [r, c]] of Object.entries(shapes)) st[n] = { l: new Float64Array(r! * r!), r: new Float64Array(c! * c!), u: new Float64Array(r! * c!) };
  return (params, grads) => {
    for (const [n, [rows, cols]] of Object.entries(shapes) as [string, [number, number]][]) {
      const g = grads[n]!;
      const s = st[n]!;
      const ggt = matmul(g, g, rows, cols, rows, false, true);
      const gtg = matmul(g, g, cols, rows, cols, true, false);
      s.l = s.l.map((v, i) => beta * v + (1 - beta) * ggt[i]!);
      s.r = s.r.map((v, i) => beta * v + (1 - beta) * gtg[i]!);
      s.u = s.u.map((v, i) => mu * v + g[i]!);
      const pl = matrixPower(s.l.map((v, i) => v + (i % (rows + 1) === 0 ? eps : 0)), rows, -0.25);
      const pr = matrixPower(s.r.map((v, i) => v + (i % (cols + 1) === 0 ? eps : 0)), cols, -0.25);
      const d = matmul(matmul(pl, s.u, rows, rows, cols), pr, rows, cols, cols);
      const p = params[n]!;
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * d[i]!;
    }
  };
}

/** The matrices of a (rows, cols) or (E, rows, cols) parameter, as views of `x`. */
function matricesOf(x: Float64Array, shape: readonly number[]): Float64Array[] {
  const per = shape.at(-1)! * shape.at(-2)!;
  return Array.from({ length: x.length / per }, (_, e) => x.subarray(e * per, (e + 1) * per));
}

/** MuonH, per matrix (each slice of a stack): u ← 0.9u + g; O = NS₅(u); U = −lr·R·O/‖O‖; W ← R·(W + U)/‖W + U‖, R = ‖W₀‖. */
export function muonHRef(shapes: Shapes, init: Named, lr: number, mu = 0.9): ModelStep {
  const u: Named = {};
  const radius: Record<string, number[]> = {};
  for (const [n, shape] of Object.entries(shapes)) {
    u[n] = new Float64Array(init[n]!.length);
    radius[n] = matricesOf(Float64Array.from(init[n]!), shape).map((w) => Math.sqrt(dot(w, w)));
  }
  return (params, grads) => {
    for (const [n, shape] of Object.entries(shapes)) {
      u[n] = u[n]!.map((v, i) => mu * v + grads[n]![i]!);
      const o = matricesOf(newtonSchulzStackRef(u[n]!, shape, 5), shape);
      matricesOf(params[n]!, shape).forEach((w, e) => {
        const r = radius[n]![e]!;
        const on = Math.sqrt(dot(o[e]!, o[e]!));
        const moved = w.map((x, i) => x - (lr * r * o[e]![i]!) / on);
        const mn = Math.sqrt(dot(moved, moved));
        w.set(moved.map((x) => (r * x) / mn));
      });
    }
  };
}

/** Momo (fabian-sp/MoMo, no weight decay, no bias correction). */
export function momoRef(shapes: Shapes, lr: number, beta = 0.9, lb = 0): ModelStep {
  let fBar = 0;
  let gamma = 0;
  let first = true;
  const d: Named = Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, new Float64Array(s.reduce((a, b) => a * b, 1))]));
  return (params, grads, loss) => {
    const names = Object.keys(shapes);
    const xg = names.reduce((acc, n) => acc + dot(params[n]!, grads[n]!), 0);
    fBar = first ? loss : beta * fBar + (1 - beta) * loss;
    gamma = first ? xg : beta * gamma + (1 - beta) * xg;
    for (const n of names) d[n] = first ? Float64Array.from(grads[n]!) : d[n]!.map((v, i) => beta * v + (1 - beta) * grads[n]![i]!);
    first = false;
    const xd = names.reduce((acc, n) => acc + dot(params[n]!, d[n]!), 0);
    const dd = names.reduce((acc, n) => acc + dot(d[n]!, d[n]!), 0);
    const tau = Math.min(lr, Math.max(fBar - lb + xd - gamma, 0) / dd);
    for (const n of names) params[n] = params[n]!.map((x, i) => x - tau * d[n]![i]!);
  };
}

/** MuonMax(-Momo) and Muon-Momo (lmo) per advanced/muonmax.ts (GPT-opt nesgd.py semantics). `muon` names the Muon layers. */
export function muonMaxRef(
  shapes: Shapes, muonNames: readonly string[],
  { lr, mu = 0.95, b2 = 0.95, eps = 1e-8, s = 1, wd = 0, truncateLoss, lmo = false }: { lr: number; mu?: number; b2?: number; eps?: number; s?: number; wd?: number; truncateLoss?: number; lmo?: boolean },
): ModelStep {
  const m: Named = {};
  const v: Named = {};
  let lossBar = 0;
  let first = true;
  return (params, grads, loss) => {
    const names = Object.keys(shapes);
    for (const n of names) {
      const g = grads[n]!;
      m[n] = first ? Float64Array.from(g) : m[n]!.map((x, i) => mu * x + (1 - mu) * g[i]!);
      if (!muonNames.includes(n) && !lmo) v[n] = first ? g.map((x) => x * x) : v[n]!.map((x, i) => b2 * x + (1 - b2) * g[i]! ** 2);
    }
    const polar: Named = {};
    let dMu = 0;
    let e2 = 0;
    for (const n of names) {
      if (muonNames.includes(n)) {
        polar[n] = newtonSchulzStackRef(m[n]!, shapes[n]!, 5, POLAR_EXPRESS_REF.triples, POLAR_EXPRESS_REF.normScale);
        const mine = matricesOf(m[n]!, shapes[n]!);
        matricesOf(polar[n]!, shapes[n]!).forEach((p, e) => (dMu += s * dot(mine[e]!, p))); // one dual per matrix
      } else if (lmo) {
        e2 += m[n]!.reduce((acc, x) => acc + Math.abs(x), 0); // ℓ∞ product norm: D = Σ duals, ‖M‖_1 here
      } else {
        const scaled = m[n]!.map((x, i) => x / Math.sqrt(eps + Math.sqrt(v[n]![i]!)));
        e2 += dot(scaled, scaled);
      }
    }
    let lrT = lr;
    if (truncateLoss !== undefined) {
      const wg = names.reduce((acc, n) => acc + dot(params[n]!, grads[n]!), 0);
      lossBar = first ? loss - wg : mu * lossBar + (1 - mu) * (loss - wg);
      const wm = names.reduce((acc, n) => acc + dot(params[n]!, m[n]!), 0);
      const numerator = lossBar - truncateLoss + wm;
      lrT = Math.min(lr, lmo ? numerator / (dMu + e2) : numerator / (dMu * dMu + e2));
    }
    first = false;
    for (const n of names) {
      const dir = muonNames.includes(n)
        ? polar[n]!.map((x) => s * x * (lmo ? 1 : dMu))
        : lmo ? m[n]!.map((x) => Math.sign(x)) : m[n]!.map((x, i) => x / (eps + Math.sqrt(v[n]![i]!)));
      params[n] = params[n]!.map((w, i) => w * (1 - lr * wd) - lrT * dir[i]!);
    }
  };
}
