/**
 * Reverse-mode autodiff over a tape (micrograd-style): ops record a node on their output when an
 * input requires a gradient; `backward(loss)` sorts the graph topologically and runs the VJP rules
 * (autodiff/vjp-rules.ts) in reverse, accumulating gradients. Leaves receive `.grad` (added to any
 * existing one). Integer tensors never get gradients. Backward runs with recording off, so rules
 * may call ordinary ops; it must run before the forward's intermediates are disposed.
 */
import { Tensor, scope } from '../tensor.js';
import type { OpAttrs, OpName } from './op-attrs.js';
import { vjpRules } from './vjp-rules.js';
import { add, addInPlace, fill } from './grad-helpers.js';

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

/** Marks a tensor as a leaf whose gradient is wanted. */
export function requireGrad(t: Tensor): Tensor {
  if (t.dtype !== 'f32') throw new TypeError('Only f32 tensors can require gradients.');
  t.requiresGrad = true;
  return t;
}

function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<[Tensor, boolean]> = [[root, false]];
  while (stack.length) {
    const [t, done] = stack.pop()!;
    if (done) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) if (input.requiresGrad && !seen.has(input)) stack.push([input, false]);
  }
  return order;
}

/**
 * Back-propagates from `loss` (one element unless `seed` is given) and accumulates into the `.grad`
 * of every leaf that requires a gradient.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (!loss.requiresGrad) throw new Error('backward(): the loss does not depend on any tensor that requires a gradient.');
  if (!seed && loss.size !== 1) throw new RangeError('backward(): the loss must have one element, or pass a seed gradient.');
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(loss, seed ?? fill(loss.shape, 1));
    const order = topoSort(loss);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (!t.node) {
        accumulateLeaf(t, g);
        continue;
      }
      const node = t.node;
      const rule = vjpRules[node.op as OpName] as (g: Tensor, n: typeof node, out: Tensor) => Array<Tensor | null>;
      const inputGrads = scope(() => rule(g, node, t).map((x) => x?.keep() ?? null));
      // Each input gets its own view: a rule may pass g (or one tensor) to several inputs, and
      // no copy is made until a sum would change storage that another gradient (or the caller's
      // seed) still holds (sumInto).
      node.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!gi || !input.requiresGrad) return;
        const own = gi.view(gi.shape).keep();
        const prev = grads.get(input);
        if (prev) {
          grads.set(input, sumInto(prev, own));
          own.dispose();
        } else grads.set(input, own);
      });
      for (const gi of new Set([...inputGrads, g])) if (gi && gi !== seed) gi.dispose();
    }
  });
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (t.grad) {
    t.grad = sumInto(t.grad, g);
    g.dispose();
  } else {
    t.grad = g.keep();
  }
}

/** acc + g: in place, unless acc's storage is shared (then a new tensor, and acc is let go). */
function sumInto(acc: Tensor, g: Tensor): Tensor {
  if (!acc.sharesStorage) {
    addInPlace(acc, g);
    return acc;
  }
  const sum = add(acc, g).keep();
  acc.dispose();
  return sum;
}
