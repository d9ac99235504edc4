/**
 * Muon's `split` option: which matrices a fused attention projection is orthogonalised as. A
 * parameter whose name contains `qkv` and whose rows are 3× its columns holds Q, K and V stacked
 * by rows (PyTorch Linear (out, in); the model's channels are (which, head, j)):
 * - 'fused': the whole [3d, d] matrix (KellerJordan/Muon);
 * - 'qkv': Q, K and V each as its own [d, d] matrix;
 * - 'heads': each head of each of them as its own [d/heads, d] matrix (3·heads in all).
 * Rows stay contiguous in every split, so a split is a view: (pieces, rows/pieces, cols).
 */
export type QkvSplit = 'fused' | 'qkv' | 'heads';

export interface SplitOptions {
  readonly split: QkvSplit;
  /** Attention heads, for 'heads' (must divide the columns). */
  readonly heads: number;
}

/** How many row blocks `name` is orthogonalised as (1: as it is). */
export function splitPieces(name: string, shape: readonly number[], { split, heads }: SplitOptions): number {
  if (split === 'fused' || shape.length !== 2 || !/qkv/i.test(name)) return 1;
  const [rows, cols] = shape as [number, number];
  if (rows !== 3 * cols) return 1;
  if (split === 'qkv') return 3;
  if (!Number.isInteger(heads) || heads < 1 || cols % heads !== 0) {
    throw new RangeError(`Muon split 'heads' needs heads, the model's attention heads, dividing the ${cols} columns of "${name}"; got ${heads}.`);
  }
  return 3 * heads;
}

/** The shape `name` is orthogonalised (and scaled) as: a stack of pieces, or its own shape. */
export function matrixShape(name: string, shape: readonly number[], options: SplitOptions): readonly number[] {
  const pieces = splitPieces(name, shape, options);
  return pieces === 1 ? shape : [pieces, shape[0]! / pieces, shape[1]!];
}
