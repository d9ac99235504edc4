import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { randomArray } from '../../test/random.js';
import { tensor } from '../../creation.js';
import { reduce, sumAll, sumToShape } from './reduce.js';
import { reduceRef } from './reduce.ref.js';
import type { ReduceOp } from './reduce.js';

describe('reductions over an axis', () => {
  const cases: [ReduceOp, number[], number][] = [];
  for (const op of ['sum', 'mean', 'max'] as ReduceOp[]) {
    cases.push([op, [3, 5, 7], 0], [op, [3, 5, 7], 1], [op, [3, 5, 7], -1], [op, [2, 300], 1]); // 300 ≥ 256: workgroup path
  }
  it.each(cases)('%s of %j over axis %i', async (op, shape, axis) => {
    await checkOp({
      inputs: [{ shape }],
      gpu: ([x]) => reduce(op, x!, axis),
      ref: ([x]) => reduceRef(op, x!, shape, axis < 0 ? axis + shape.length : axis),
      rtol: 1e-4,
    });
  });
  it('keepDims keeps a size-1 axis', () => {
    expect(reduce('sum', tensor(new Array(6).fill(1), [2, 3]), 1, { keepDims: true }).shape).toEqual([2, 1]);
  });
  it('sumAll over 10,001 elements', async () => {
    const data = randomArray(10001, 5);
    const expected = data.reduce((a, b) => a + b, 0);
    expect(await sumAll(tensor(data)).item()).toBeCloseTo(expected, 2);
  });
  it('sumToShape sums broadcast axes', async () => {
    const g = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(await sumToShape(g, [3]).read())).toEqual([5, 7, 9]);
    expect(Array.from(await sumToShape(g, [2, 1]).read())).toEqual([6, 15]);
  });
  it('rejects a bad axis', () => {
    expect(() => reduce('sum', tensor([1, 2]), 3)).toThrow(/axis 3 is out of range/);
  });
});
