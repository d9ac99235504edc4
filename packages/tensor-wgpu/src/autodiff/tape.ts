/**
 * Reverse-mode autodiff over a tape (micrograd-style): ops record a node on their output when an
 * input requires a gradient (record.ts); `backward(loss)` sorts the graph topologically and runs the VJP rules
 * (autodiff/vjp-rules.ts) in reverse, accumulating gradients. Leaves receive `.grad` (added to any
 * existing one). Integer tensors never get gradients. Backward runs with recording off, so rules
 * may call ordinary ops; it must run before the forward's intermediates are disposed.
 */
import { Tensor, scope, type TapeNode } from '../tensor.js';
import { add, addInPlace, copy, fill } from '../ops/elementwise/elementwise.js';
import type { MultiOpName, OpName } from './op-attrs.js';
import { noGrad } from './record.js';
import { multiVjpRules, vjpRules } from './vjp-rules.js';

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
    // An op with several outputs runs its rule once, at the last of its outputs in backward order
    // (its inputs all come later): by then every output's gradient is complete.
    const runAt = new Map<TapeNode, number>();
    order.forEach((t, i) => {
      if (t.node?.outputs) runAt.set(t.node, Math.min(runAt.get(t.node) ?? i, i));
    });
    const pending = new Map<TapeNode, Array<Tensor | null>>();
    const leaves = new Set<Tensor>();
    // What a rule returns outlives its scope, except the caller's seed, which stays the caller's.
    const outlive = (x: Tensor | null): Tensor | null => (x && x !== seed ? x.keep() : x);
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t) ?? null;
      if (g) grads.delete(t);
      const node = t.node;
      if (!node) {
        if (g) {
          accumulateLeaf(t, g);
          leaves.add(t);
        }
        continue;
      }
      let used: Array<Tensor | null>;
      let inputGrads: Array<Tensor | null>;
      if (node.outputs) {
        const gs = pending.get(node) ?? node.outputs.map(() => null);
        pending.set(node, gs);
        if (g) gs[node.outputs.indexOf(t)] = g;
        if (runAt.get(node) !== i) continue;
        pending.delete(node);
        if (!gs.some((x) => x)) continue;
        const rule = multiVjpRules[node.op as MultiOpName] as (gs: Array<Tensor | null>, n: typeof node) => Array<Tensor | null>;
        inputGrads = scope(() => rule(gs, node).map(outlive));
        used = gs;
      } else {
        if (!g) continue;
        const rule = vjpRules[node.op as OpName] as (g: Tensor, n: typeof node, out: Tensor) => Array<Tensor | null>;
        inputGrads = scope(() => rule(g, node, t).map(outlive));
        used = [g];
      }
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
      for (const gi of new Set([...inputGrads, ...used])) if (gi && gi !== seed) gi.dispose();
    }
    // Leaves may end up sharing storage (add passes one g to both sides) or holding a view of the
    // seed: each gets its own, so an in-place update of one .grad (clipping) leaves the others.
    for (const t of leaves) {
      if (!t.grad?.sharesStorage) continue;
      const mine = copy(t.grad).keep();
      t.grad.dispose();
      t.grad = mine;
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
