import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../creation.js';
import { memoryStats } from '../buffer.js';
import { runtimeStats } from '../runtime.js';
import { scope, type Tensor } from '../tensor.js';
import { add, addInPlace, mul, mulScalar, relu, square, sub } from '../ops/elementwise/elementwise.js';
import { reshape } from '../ops/layout/layout.js';
import { addRmsNorm } from '../ops/norm/add-norm.js';
import { qkvHeads } from '../ops/heads/heads.js';
import { routerGates } from '../ops/moe/router.js';
import { matmul } from '../ops/matmul/matmul.js';
import { meanAll, sumAll } from '../ops/reduce/reduce.js';
import { randNormal } from '../ops/random/random.js';
import { backward } from './tape.js';
import { noGrad, requireGrad } from './record.js';
import { vjpRules, type VjpRule } from './vjp-rules.js';
import type { OpName } from './op-attrs.js';

describe('reverse-mode tape', () => {
  it('a tensor used twice gets both contributions; a second backward accumulates', async () => {
    const x = requireGrad(tensor([1, 2, 3]));
    backward(sumAll(add(mul(x, x), x))); // d/dx (x² + x) = 2x + 1
    expect(Array.from(await x.grad!.read())).toEqual([3, 5, 7]);
    backward(sumAll(mulScalar(x, 2)));
    expect(Array.from(await x.grad!.read())).toEqual([5, 7, 9]);
  });
  it('a gradient passed through to several inputs: changing one leaves the others (copy on write)', async () => {
    const [a, b] = [requireGrad(tensor([1, 2])), requireGrad(tensor([3, 4]))];
    const c = tensor([5, 6]); // no gradient wanted: its share of g is dropped
    backward(sumAll(add(add(a, b), c)));
    backward(sumAll(mulScalar(a, 10))); // accumulates into a.grad in place: b.grad must not change
    expect(Array.from(await a.grad!.read())).toEqual([11, 11]);
    expect(Array.from(await b.grad!.read())).toEqual([1, 1]);
    const seed = tensor([1, 1]);
    const x = requireGrad(tensor([7, 8]));
    backward(add(x, c), seed); // the caller's seed is never taken
    expect(Array.from(await seed.read())).toEqual([1, 1]);
    expect(Array.from(await x.grad!.read())).toEqual([1, 1]);
  });
  it('leaf gradients own their storage after backward: an in-place change to one leaves the others and the seed', async () => {
    const [a, b] = [requireGrad(tensor([1, 2])), requireGrad(tensor([3, 4]))];
    backward(sumAll(add(a, b))); // one g for both sides
    addInPlace(a.grad!, tensor([10, 10]));
    expect(Array.from(await b.grad!.read())).toEqual([1, 1]);
    const seed = tensor([1, 1]);
    const x = requireGrad(tensor([7, 8]));
    backward(add(x, tensor([5, 6])), seed);
    addInPlace(x.grad!, tensor([10, 10]));
    expect(Array.from(await seed.read())).toEqual([1, 1]);
  });
  it('the caller\'s seed stays in the caller\'s scope (freed with it)', () => {
    const x = requireGrad(tensor([7, 8]));
    const c = tensor([5, 6]);
    const before = memoryStats().liveBytes;
    scope(() => backward(add(x, c), tensor([1, 1])));
    x.grad!.dispose();
    x.grad = undefined;
    expect(memoryStats().liveBytes).toBe(before);
  });
  it('add passes g on without a kernel; only leaves left sharing it get a copy, at the end', () => {
    const leaf = (): Tensor => requireGrad(tensor([1, 2])); // fresh each time: no .grad to add into
    const count = (loss: ReturnType<typeof sumAll>): number => {
      const before = runtimeStats().dispatches;
      backward(loss);
      return runtimeStats().dispatches - before;
    };
    // The seed's fill and sumAll's rule; add's rule costs nothing.
    expect(count(sumAll(add(leaf(), tensor([3, 4]))))).toBe(2);
    // Both sides are leaves holding one g: one copy so each owns its .grad.
    expect(count(sumAll(add(leaf(), leaf())))).toBe(3);
    // x + x: the two views of g are summed out of place (one kernel, as addInPlace would be).
    const x = leaf();
    expect(count(sumAll(mul(add(x, x), leaf())))).toBe(2 + 2 + 1);
  });
  it('records nothing under noGrad and for inputs without requiresGrad', () => {
    const x = requireGrad(tensor([1, 2]));
    expect(noGrad(() => mul(x, x)).requiresGrad).toBe(false);
    expect(mul(tensor([1]), tensor([2])).requiresGrad).toBe(false);
  });
  it('integer tensors cannot require gradients', () => {
    expect(() => requireGrad(tensor([1, 2], [2], 'i32'))).toThrow(/Only f32/);
  });
  it('backward needs a scalar loss that depends on a leaf', () => {
    expect(() => backward(sumAll(tensor([1, 2])))).toThrow(/does not depend/);
    const x = requireGrad(tensor([1, 2]));
    expect(() => backward(mul(x, x))).toThrow(/one element/);
  });
  it('the rule table is exhaustive (checked by the compiler)', () => {
    // @ts-expect-error: a table without every op's rule does not type-check.
    const partial: { [K in OpName]: VjpRule<K> } = { unary: vjpRules.unary };
    expect(Object.keys(partial)).toEqual(['unary']);
    expect(Object.keys(vjpRules).length).toBeGreaterThanOrEqual(20);
  });
});

describe('scopes', () => {
  it('refuse async functions (they would free tensors still in use)', () => {
    expect(() => scope(async () => 1)).toThrow(/use scopeAsync/);
  });
});

describe('memory', () => {
  it('200 forward+backward+update steps of a small MLP do not grow live GPU bytes', async () => {
    let params: Tensor[] = [
      randNormal([16, 32], { seed: 1, std: 0.3 }),
      zeros([32]),
      randNormal([32, 4], { seed: 2, std: 0.3 }),
      zeros([4]),
    ];
    for (const p of params) p.keep();
    const step = (i: number): void => {
      params = scope(() => {
        const ps = params.map((p) => requireGrad(p));
        const x = randNormal([8, 16], { seed: 100 + i });
        const target = randNormal([8, 4], { seed: 1000 + i });
        const hidden = relu(add(matmul(x, ps[0]!), ps[1]!)); // (8, 32)
        const out = add(matmul(hidden, ps[2]!), ps[3]!); // (8, 4)
        const loss = meanAll(square(sub(out, target)));
        backward(loss);
        const next = noGrad(() => ps.map((p) => sub(p, mulScalar(p.grad!, 0.05)).keep()));
        for (const p of ps) p.dispose();
        return next;
      });
    };
    for (let i = 0; i < 10; i++) step(i);
    const before = memoryStats().liveBytes;
    const { bindGroups: groupsBefore, dispatches: dispatchesBefore } = runtimeStats();
    for (let i = 10; i < 200; i++) step(i);
    const after = memoryStats().liveBytes;
    expect(after).toBe(before);
    // Pooled buffers recur step after step, so cached bind groups do too: almost every dispatch hits.
    const { bindGroups, dispatches } = runtimeStats();
    expect(bindGroups - groupsBefore).toBeLessThan(0.02 * (dispatches - dispatchesBefore));
    expect(await params[0]!.read()).toSatisfy((a: Float32Array) => a.every(Number.isFinite));
  });
  it('what a several-output op saves is freed with its last output, not its first', () => {
    const x = requireGrad(randNormal([4, 8], { seed: 1 }));
    const [b, w] = [randNormal([4, 8], { seed: 2 }), randNormal([8], { seed: 3 })];
    const before = memoryStats().liveBytes;
    const [sum, normed] = addRmsNorm(x, b, w);
    sum.dispose();
    const withNormed = memoryStats().liveBytes;
    normed.dispose();
    // normed's buffer, the saved stats and the saved view of sum (whose storage outlived sum).
    expect(withNormed - memoryStats().liveBytes).toBeGreaterThan(normed.size * 4);
    expect(memoryStats().liveBytes).toBe(before);
  });
  it('steps through the several-output ops (what they save, their views) do not grow live GPU bytes', async () => {
    const [N, d, H] = [6, 8, 2];
    const w = requireGrad(randNormal([d], { seed: 3 })).keep();
    const wqkv = requireGrad(randNormal([3 * d, d], { seed: 4 })).keep();
    const wr = requireGrad(randNormal([4, d], { seed: 5 })).keep();
    const step = (i: number): void =>
      scope(() => {
        const x = randNormal([1, N, d], { seed: 10 + i });
        const [sum, normed] = addRmsNorm(x, randNormal([1, N, d], { seed: 20 + i }), w, { dropout: { p: 0.2, seed: i } });
        const [q, k, v] = qkvHeads(reshape(matmul(reshape(normed, [N, d]), wqkv, { transB: true }), [1, N, 3 * d]), { heads: H, rope: {} });
        const { probs, gates } = routerGates(matmul(reshape(sum, [N, d]), wr, { transB: true }), 2);
        backward(add(add(sumAll(mul(q, k)), sumAll(square(v))), add(sumAll(square(probs)), sumAll(square(gates)))));
        for (const p of [w, wqkv, wr]) {
          p.grad!.dispose();
          p.grad = undefined;
        }
      });
    for (let i = 0; i < 3; i++) step(i);
    const before = memoryStats().liveBytes;
    for (let i = 3; i < 30; i++) step(i);
    expect(memoryStats().liveBytes).toBe(before);
  });
});
