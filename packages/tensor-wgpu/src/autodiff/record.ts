/**
 * Recording: ops call `record` (or `recordMulti`) to put a node on their output when an input
 * requires a gradient and recording is on; `noGrad` turns recording off. This module knows the
 * tensors and the op names only, so every op can import it without importing the VJP rules;
 * `backward` (tape.ts) is the layer above that runs the rules.
 */
import type { Tensor, TapeNode } from '../tensor.js';
import type { MultiOpAttrs, MultiOpName, OpAttrs, OpName } from './op-attrs.js';

let enabled = true;

export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` without recording (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const was = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = was;
  }
}

/** Records `out = op(inputs)` on the tape when any f32 input requires a gradient. */
export function record<K extends OpName>(op: K, inputs: readonly Tensor[], attrs: OpAttrs[K], out: Tensor, saved: readonly Tensor[] = []): Tensor {
  if (enabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.node = { op, inputs, attrs, saved };
  } else {
    for (const t of saved) t.dispose();
  }
  return out;
}

/**
 * Records an op with several outputs (one kernel writing them all): they share one node, and its
 * rule (multiVjpRules) gets every output's gradient at once (null for an output with none).
 */
export function recordMulti<K extends MultiOpName>(op: K, inputs: readonly Tensor[], attrs: MultiOpAttrs[K], outs: Tensor[], saved: readonly Tensor[] = []): Tensor[] {
  if (enabled && inputs.some((t) => t.requiresGrad)) {
    const node: TapeNode = { op, inputs, attrs, saved, outputs: outs };
    for (const out of outs) {
      out.requiresGrad = true;
      out.node = node;
    }
  } else {
    for (const t of saved) t.dispose();
  }
  return outs;
}

/** Marks a tensor as a leaf whose gradient is wanted. */
export function requireGrad(t: Tensor): Tensor {
  if (t.dtype !== 'f32') throw new TypeError('Only f32 tensors can require gradients.');
  t.requiresGrad = true;
  return t;
}
