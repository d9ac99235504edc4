/**
 * The thesis split, built here and nowhere else: a matrix optimizer on the hidden matrices
 * (partition-rule.ts) and AdamW on everything else (embeddings, the LM head, norms, vectors).
 * `<name>+adamw` in the registry and `muonWithAdamW` both build it with this function.
 */
import type { GradientTransformation } from '../base.js';
import { partition, type LabelFn } from '../combine.js';
import { hiddenMatrixLabels, type MatrixKind } from '../partition-rule.js';

/** The labels of the split: `name` for hidden matrices of `kind`, 'adamw' for the rest. */
export function matrixLabels(name: string, kind: MatrixKind): LabelFn {
  return hiddenMatrixLabels({ matrix: name, other: 'adamw', kind });
}

export interface SplitParts {
  /** The matrix optimizer's name (its label) and what it accepts. */
  readonly name: string;
  readonly kind: MatrixKind;
  readonly matrices: GradientTransformation<any>;
  readonly adamw: GradientTransformation<any>;
  /** Another routing than the thesis's (labels must be `name` and 'adamw'). */
  readonly label?: LabelFn;
}

export function withAdamW({ name, kind, matrices, adamw, label = matrixLabels(name, kind) }: SplitParts): GradientTransformation<any> {
  return partition(label, { [name]: matrices, adamw });
}
