import { describe, expect, it } from 'vitest';
import { tensor, matmul, add, sum, randNormal, backward, requireGrad, mul, sumAll } from './index.js';

describe('smoke', () => {
  it('runs', async () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tensor([1, 0, 0, 1, 1, 1], [3, 2]);
    const c = matmul(a, b);
    expect(Array.from(await c.read())).toEqual([4, 5, 10, 11]);
    expect(Array.from(await add(a, tensor([10, 20, 30])).read())).toEqual([11, 22, 33, 14, 25, 36]);
    expect(Array.from(await sum(a, 1).read())).toEqual([6, 15]);
    const r = randNormal([1000], { seed: 1 });
    const v = await r.read();
    console.log(v.slice(0, 4));
    const x = requireGrad(tensor([1, 2, 3]));
    const y = sumAll(mul(x, x));
    backward(y);
    expect(Array.from(await x.grad!.read())).toEqual([2, 4, 6]);
  });
});
