/**
 * Which parameters a matrix optimizer treats as matrices: the one rule behind every Muon-family
 * optimizer (Muon, MuonH, Muon-Momo, MuonMax, MuonMax-Momo, and any later one), the thesis split
 * `thesisLabels` and the registry's `<matrix optimizer>+adamw` splits. It only decides; `partition`
 * (combine.ts) does the routing.
 *
 * A hidden matrix is a 2-D weight (out, in), or a 3-D stack (E, out, in) of them (a layer's
 * experts, each slice its own matrix), whose name is not an embedding, the LM head or a norm.
 * Shampoo is not Muon-family: it takes 2-D weights only ('matrices2d'), so its split leaves the
 * expert stacks to AdamW.
 */
import type { LabelFn } from './combine.js';

/** Which shapes count as matrices: [m, n] and stacks [E, m, n] ('matrices'), or [m, n] only ('matrices2d'). */
export type MatrixKind = 'matrices' | 'matrices2d';

/** Embeddings (tied with the LM head here), the LM head and norms: never hidden matrices, whatever their shape. */
export const NOT_HIDDEN = /embed|wte|wpe|lm_head|norm/i;

/** Whether a matrix optimizer of this kind takes `shape` as matrices (each slice of a 3-D stack its own). */
export function isMatrixShape(shape: readonly number[], kind: MatrixKind = 'matrices'): boolean {
  return shape.length === 2 || (kind === 'matrices' && shape.length === 3);
}

/** A hidden matrix: a matrix shape (see isMatrixShape) whose name is not an embedding, LM head or norm. */
export function isHiddenMatrix(name: string, shape: readonly number[], kind: MatrixKind = 'matrices'): boolean {
  return isMatrixShape(shape, kind) && !NOT_HIDDEN.test(name);
}

/** The split as a label function: hidden matrices → `matrix`, everything else → `other`. */
export function hiddenMatrixLabels({ matrix, other, kind = 'matrices' }: { matrix: string; other: string; kind?: MatrixKind }): LabelFn {
  return (name, p) => (isHiddenMatrix(name, p.shape, kind) ? matrix : other);
}
