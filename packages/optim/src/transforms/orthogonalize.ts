/**
 * Muon's orthogonalisation stage: each 2-D update U → NS(U)·scale, all same-shape matrices in one
 * batched Newton–Schulz call. Muon is only for hidden 2-D weights: anything else is an error here
 * (route it elsewhere with `partition`). Rows are the first dim (PyTorch Linear (out, in)); a 3-D
 * parameter is a stack of such matrices (the experts of a layer), each orthogonalised on its own.
 */
import { concat, mulScalar, scope, slice, Tensor, withProfileLabel } from '@optimlab/tensor-wgpu';
import type { GradientTransformation, Params } from '../base.js';
import { newtonSchulz, type NewtonSchulzOptions } from './newton-schulz.js';

/** 'original': √max(1, rows/cols) (Keller Jordan); 'matchAdamW': 0.2·√max(rows, cols) (Moonshot); 'none': 1. */
export type MuonScale = 'original' | 'matchAdamW' | 'none';

export function muonScale(rows: number, cols: number, scale: MuonScale): number {
  if (scale === 'original') return Math.sqrt(Math.max(1, rows / cols));
  if (scale === 'matchAdamW') return 0.2 * Math.sqrt(Math.max(rows, cols));
  return 1;
}

export interface OrthogonalizeOptions extends NewtonSchulzOptions {
  readonly scale?: MuonScale;
}

export function orthogonalize({ scale = 'original', ...ns }: OrthogonalizeOptions = {}): GradientTransformation<null> {
  return {
    init: (params) => {
      for (const [name, p] of Object.entries(params)) {
        if (p.ndim !== 2 && p.ndim !== 3) {
          throw new RangeError(`Muon needs 2-D parameters (or 3-D stacks of them), but "${name}" has shape [${p.shape.join(', ')}]: route it to AdamW with partition() (see muonWithAdamW).`);
        }
      }
      return null;
    },
    update: (updates) => orthogonalizeGroups(updates, scale, ns),
  };
}

/** NS(U)·scale for every update, batching matrices of equal shape. */
export function orthogonalizeGroups(updates: Params, scale: MuonScale, ns: NewtonSchulzOptions): Record<string, Tensor> {
  return withProfileLabel('newton-schulz', () => orthogonalizeGroupsNow(updates, scale, ns));
}

function orthogonalizeGroupsNow(updates: Params, scale: MuonScale, ns: NewtonSchulzOptions): Record<string, Tensor> {
  const groups = new Map<string, string[]>();
  for (const [name, u] of Object.entries(updates)) {
    const key = u.shape.join('x');
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const out: Record<string, Tensor> = {};
  for (const names of groups.values()) {
    const first = updates[names[0]!]!;
    if (first.ndim === 3) {
      // A stack of matrices (e.g. every expert of a layer): orthogonalise each, all in one call.
      const [, rows, cols] = first.shape as [number, number, number];
      for (const n of names) out[n] = scope(() => mulByScale(newtonSchulz(updates[n]!, ns), muonScale(rows, cols, scale)).keep());
      continue;
    }
    const [rows, cols] = first.shape as [number, number];
    const s = muonScale(rows, cols, scale);
    const results = scope(() => {
      const stacked = names.length === 1 ? updates[names[0]!]!.view([1, rows, cols]) : concat(names.map((n) => updates[n]!.view([1, rows, cols])), 0);
      const o = newtonSchulz(stacked, ns); // (n, rows, cols)
      return names.map((_, i) => mulByScale(slice(o, 0, i, i + 1).view([rows, cols]), s).keep());
    });
    names.forEach((n, i) => (out[n] = results[i]!));
  }
  return out;
}

function mulByScale(t: Tensor, s: number): Tensor {
  return s === 1 ? t : mulScalar(t, s);
}
