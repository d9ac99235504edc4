import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { groupedMatmul, routeByExpert } from './moe.js';
import { groupedMatmulRef, routeRef } from './moe.ref.js';

// 11 slots over 4 experts; expert 2 gets none.
const CHOICES = [3, 0, 1, 3, 0, 0, 1, 3, 3, 1, 0];

describe('MoE dispatch', () => {
  it('routeByExpert sorts slots by expert, stably, with offsets and fractions', async () => {
    const r = routeByExpert(tensor(CHOICES, [11], 'i32'), 4);
    const ref = routeRef(CHOICES, 4);
    expect(Array.from(await r.order.read())).toEqual(ref.order);
    expect(Array.from(await r.rowExpert.read())).toEqual(ref.rowExpert);
    expect(Array.from(await r.offsets.read())).toEqual(ref.offsets);
    expect(await r.fraction.read()).toBeAllclose(ref.fraction);
  });
  it.each([
    [5, 6],
    [9, 3],
    [7, 8], // in % 4 = 0: the vec4 kernels
    [12, 4],
  ])('groupedMatmul out %i in %i: GPU vs reference, VJP of X and W', async (out, inner) => {
    const ref = routeRef(CHOICES, 4);
    const routing = routeByExpert(tensor(CHOICES, [11], 'i32'), 4);
    await checkOp({
      inputs: [{ shape: [11, inner] }, { shape: [4, out, inner] }],
      gpu: ([x, w]) => groupedMatmul(x!, w!, routing),
      ref: ([x, w]) => groupedMatmulRef(x!, w!, ref.rowExpert, out, inner),
    });
  });
  it('rejects bad shapes and expert counts', () => {
    const routing = routeByExpert(tensor(CHOICES, [11], 'i32'), 4);
    expect(() => groupedMatmul(tensor(new Array(10).fill(0), [5, 2]), tensor(new Array(8).fill(0), [4, 1, 2]), routing)).toThrow(/one row per routed slot/);
    expect(() => routeByExpert(tensor([0], [1], 'i32'), 65)).toThrow(/number of experts/);
  });
});
