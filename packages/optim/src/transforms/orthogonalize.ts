/**
 * Muon's orthogonalisation stage: each 2-D update U → NS(U)·scale, all same-shape matrices in one
 * batched Newton–Schulz call. Muon is only for hidden 2-D weights: anything else is an error here
 * (route it elsewhere with `partition`). Rows are the first dim (PyTorch Linear (out, in)); a 3-D
 * parameter is a stack of such matrices (the experts of a layer), each orthogonalised on its own.
 * The scale is its own elementwise stage (scaleByShape), so a fused Muon step folds it into the
 * update kernel.
 */
import { concat, scope, slice, Tensor, withProfileLabel, zeros } from '@optimlab/tensor-wgpu';
import { disposeAll, type GradientTransformation, type Params } from '../base.js';
import { chain } from '../combine.js';
import { scaleByShape } from './elementwise.js';
import type { ElementwiseState } from './elementwise-transform.js';
import type { MuonScale } from './muon-scale.js';
import { matrixShape, type SplitOptions } from './qkv-split.js';
import { newtonSchulz, type NewtonSchulzOptions } from './newton-schulz.js';

export interface OrthogonalizeOptions extends NewtonSchulzOptions {
  readonly scale: MuonScale;
  /** How a fused attention projection is split (qkv-split.ts); default: not at all. */
  readonly split?: SplitOptions;
}

const UNSPLIT: SplitOptions = { split: 'fused', heads: 1 };

/** NS(U) per matrix, unscaled (see orthogonalizeUnscaled), split per `split`: the stage before Muon's shape scale. */
export function orthogonalizeMatrices(ns: NewtonSchulzOptions, split: SplitOptions = UNSPLIT): GradientTransformation<null> {
  return {
    init: (params) => {
      for (const [name, p] of Object.entries(params)) {
        if (p.ndim !== 2 && p.ndim !== 3) {
          throw new RangeError(`Muon needs 2-D parameters (or 3-D stacks of them), but "${name}" has shape [${p.shape.join(', ')}]: route it to AdamW with partition() (see muonWithAdamW).`);
        }
        matrixShape(name, p.shape, split); // a split that cannot apply is refused before the first step
      }
      return null;
    },
    update: (updates) => {
      const asMatrices = Object.fromEntries(Object.entries(updates).map(([n, u]) => [n, u.view(matrixShape(n, u.shape, split))]));
      const out = orthogonalizeUnscaled(asMatrices, ns);
      disposeAll(asMatrices);
      for (const [n, u] of Object.entries(updates)) {
        const o = out[n]!;
        if (o.ndim !== u.ndim || o.shape.some((d, k) => d !== u.shape[k])) {
          out[n] = o.view(u.shape).keep();
          o.dispose();
        }
      }
      return out;
    },
  };
}

/** NS(U)·scale for every matrix: Muon's orthogonalisation stage as one transformation. */
export function orthogonalize({ scale, split = UNSPLIT, ...ns }: OrthogonalizeOptions): GradientTransformation<[null, ElementwiseState]> {
  return chain(orthogonalizeMatrices(ns, split), scaleByShape(scale, split));
}

/** Matrices padded with zero rows to a common height join a call while this adds ≤ 25% elements. */
const MAX_PADDING = 0.25;

/**
 * NS(U) for every update (no Muon scale), in as few batched calls as exactness allows. Matrices
 * are stacked along a leading dim: 2-D updates and 3-D stacks (the experts of every layer) alike.
 * Tall and square ones (rows ≥ cols) with the same number of columns share a call, shorter ones
 * padded with zero rows: NS([X; 0]) = [NS(X); 0] exactly, since zero rows add nothing to XᵀX and
 * X·B keeps them zero. Wide ones share a call with their exact shape.
 */
export function orthogonalizeUnscaled(updates: Params, ns: NewtonSchulzOptions): Record<string, Tensor> {
  return withProfileLabel('newton-schulz', () => {
    const out: Record<string, Tensor> = {};
    for (const names of callGroups(updates)) Object.assign(out, orthogonalizeCall(updates, names, ns));
    return out;
  });
}

const rowsCols = (u: Tensor): [number, number] => u.shape.slice(-2) as [number, number];
const countOf = (u: Tensor): number => (u.ndim === 3 ? u.shape[0]! : 1);

function callGroups(updates: Params): string[][] {
  const byShape = new Map<string, string[]>();
  for (const [name, u] of Object.entries(updates)) {
    const [rows, cols] = rowsCols(u);
    const key = rows >= cols ? `tall:${cols}` : `wide:${rows}x${cols}`;
    byShape.set(key, [...(byShape.get(key) ?? []), name]);
  }
  const calls: string[][] = [];
  for (const names of byShape.values()) {
    const height = Math.max(...names.map((n) => rowsCols(updates[n]!)[0]));
    const real = names.reduce((a, n) => a + updates[n]!.size, 0);
    const padded = names.reduce((a, n) => a + countOf(updates[n]!) * height * rowsCols(updates[n]!)[1], 0);
    if (padded <= (1 + MAX_PADDING) * real) {
      calls.push(names);
      continue;
    }
    // Too much padding: one call per exact shape instead.
    const exact = new Map<string, string[]>();
    for (const n of names) {
      const key = rowsCols(updates[n]!).join('x');
      exact.set(key, [...(exact.get(key) ?? []), n]);
    }
    calls.push(...exact.values());
  }
  return calls;
}

/** One batched Newton–Schulz call over `names` (equal cols; rows padded to the tallest). */
function orthogonalizeCall(updates: Params, names: readonly string[], ns: NewtonSchulzOptions): Record<string, Tensor> {
  const height = Math.max(...names.map((n) => rowsCols(updates[n]!)[0]));
  const cols = rowsCols(updates[names[0]!]!)[1];
  const results = scope(() => {
    // Each member as (count, height, cols): its own rows, then zero rows.
    const stacked = names.map((n) => {
      const u = updates[n]!;
      const [rows] = rowsCols(u);
      const c = countOf(u);
      const x = u.view([c, rows, cols]);
      return rows === height ? x : concat([x, zeros([c, height - rows, cols])], 1);
    });
    const o = newtonSchulz(stacked.length === 1 ? stacked[0]! : concat(stacked, 0), ns); // (Σcount, height, cols)
    let at = 0;
    const parts = names.map((n) => {
      const u = updates[n]!;
      const [rows] = rowsCols(u);
      const c = countOf(u);
      at += c;
      const mine = stacked.length === 1 ? o : slice(o, 0, at - c, at);
      return (rows === height ? mine : slice(mine, 1, 0, rows)).view(u.shape).keep();
    });
    o.dispose();
    return parts;
  });
  return Object.fromEntries(names.map((n, i) => [n, results[i]!]));
}
