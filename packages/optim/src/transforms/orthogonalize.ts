/**
 * Muon's orthogonalisation stage: each 2-D update U → NS(U)·scale, all same-shape matrices in one
 * batched Newton–Schulz call. Muon is only for hidden 2-D weights: anything else is an error here
 * (route it elsewhere with `partition`). Rows are the first dim (PyTorch Linear (out, in)); a 3-D
 * parameter is a stack of such matrices (the experts of a layer), each orthogonalised on its own.
 */
import { concat, scope, slice, Tensor, withProfileLabel } from '@optimlab/tensor-wgpu';
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
  // Every matrix of one (rows, cols) shape in one call: 2-D updates and 3-D stacks (the experts of
  // every layer) alike, stacked along a leading dim.
  const groups = new Map<string, string[]>();
  for (const [name, u] of Object.entries(updates)) {
    const key = u.shape.slice(-2).join('x');
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  const out: Record<string, Tensor> = {};
  for (const names of groups.values()) {
    const first = updates[names[0]!]!;
    const [rows, cols] = first.shape.slice(-2) as [number, number];
    const options = { ...ns, outputScale: muonScale(rows, cols, scale) };
    const stackOf = (n: string): Tensor => {
      const u = updates[n]!;
      return u.ndim === 3 ? u : u.view([1, rows, cols]);
    };
    if (names.length === 1) {
      const o = newtonSchulz(stackOf(names[0]!), options);
      out[names[0]!] = o.view(first.shape).keep();
      o.dispose(); // the view keeps the storage
      continue;
    }
    const results = scope(() => {
      const o = newtonSchulz(concat(names.map(stackOf), 0), options); // (Σn, rows, cols)
      let at = 0;
      const parts = names.map((n) => {
        const u = updates[n]!;
        const count = u.ndim === 3 ? u.shape[0]! : 1;
        at += count;
        return slice(o, 0, at - count, at).view(u.shape).keep();
      });
      o.dispose();
      return parts;
    });
    names.forEach((n, i) => (out[n] = results[i]!));
  }
  return out;
}
