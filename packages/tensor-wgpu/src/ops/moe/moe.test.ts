import { afterEach, describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { getGpu } from '../../device.js';
import { matmulVariants, setMatmulVariant } from '../matmul/matmul.js';
import { groupedMatmul, routeByExpert } from './moe.js';
import { groupedMatmulRef, routeRef } from './moe.ref.js';

// 11 slots over 4 experts; expert 2 gets none.
const CHOICES = [3, 0, 1, 3, 0, 0, 1, 3, 3, 1, 0];
// 45 slots over 5 experts: 19, 4, 0, 9 and 13 rows, so 16-row blocks hold one, two or three experts.
const MANY = Array.from({ length: 45 }, (_, i) => [0, 0, 4, 3, 0, 4, 1, 3, 4, 0][i % 10]!);
const available = matmulVariants(await getGpu());
afterEach(() => setMatmulVariant(undefined));

describe('MoE dispatch', () => {
  it('routeByExpert sorts slots by expert, stably, with offsets and fractions', async () => {
    const r = routeByExpert(tensor(CHOICES, [11], 'i32'), 4);
    const ref = routeRef(CHOICES, 4);
    expect(Array.from(await r.order.read())).toEqual(ref.order);
    expect(Array.from(await r.position.read())).toEqual(ref.position);
    expect(Array.from(await r.rowExpert.read())).toEqual(ref.rowExpert);
    expect(Array.from(await r.offsets.read())).toEqual(ref.offsets);
    expect(await r.fraction.read()).toBeAllclose(ref.fraction);
  });
  describe.each(available)('groupedMatmul, %s matmul variant', (variant) => {
    it.each([
      ['11 slots', 4, 5, 6],
      ['11 slots', 4, 9, 3],
      ['11 slots', 4, 7, 8], // in % 4 = 0: the vec4 kernels
      ['11 slots', 4, 12, 4], // in and out % 4 = 0: the subgroup kernels where available
      ['45 slots', 5, 36, 12], // experts spanning and sharing row blocks; in = 4 mod 8
      ['45 slots', 5, 8, 40],
    ] as const)('%s over %i experts, out %i in %i: GPU vs reference, VJP of X and W', async (name, experts, out, inner) => {
      setMatmulVariant(variant);
      const choices = name === '11 slots' ? CHOICES : MANY;
      const ref = routeRef(choices, experts);
      const routing = routeByExpert(tensor(choices, [choices.length], 'i32'), experts);
      await checkOp({
        inputs: [{ shape: [choices.length, inner] }, { shape: [experts, out, inner] }],
        gpu: ([x, w]) => groupedMatmul(x!, w!, routing),
        ref: ([x, w]) => groupedMatmulRef(x!, w!, ref.rowExpert, out, inner),
        grad: choices.length * out * inner < 20000,
      });
    });
  });
  it('rejects bad shapes and expert counts', () => {
    const routing = routeByExpert(tensor(CHOICES, [11], 'i32'), 4);
    expect(() => groupedMatmul(tensor(new Array(10).fill(0), [5, 2]), tensor(new Array(8).fill(0), [4, 1, 2]), routing)).toThrow(/one row per routed slot/);
    expect(() => routeByExpert(tensor([0], [1], 'i32'), 65)).toThrow(/number of experts/);
  });
});
