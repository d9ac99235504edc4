import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { concat, reshape } from '../layout/layout.js';
import { mul } from '../elementwise/elementwise.js';
import { sumAll } from '../reduce/reduce.js';
import { softmax } from '../softmax/softmax.js';
import { topk } from '../topk/topk.js';
import { backward } from '../../autodiff/tape.js';
import { requireGrad } from '../../autodiff/record.js';
import { routerGates } from './router.js';
import { routerGatesRef } from './router.ref.js';

const flat = (t: Parameters<typeof reshape>[0]): ReturnType<typeof reshape> => reshape(t, [t.size]);

describe('routerGates', () => {
  it.each([
    [9, 5, 2],
    [4, 8, 1],
    [6, 7, 3],
    [3, 12, 8],
  ])('%i tokens over %i experts, k = %i: probs and gates vs reference, VJP', async (N, E, k) => {
    await checkOp({
      inputs: [{ shape: [N, E] }],
      gpu: ([x]) => {
        const r = routerGates(x!, k);
        return concat([flat(r.probs), flat(r.gates)], 0);
      },
      ref: ([x]) => routerGatesRef(x!, E, k).probsAndGates,
    });
  });
  it('chooses the experts topk chooses, ties to the lower index, with the numbers of softmax, topk, softmax', async () => {
    const logits = tensor([0.5, 2, 2, -1, 0.5, 3, 3, 3, 1, 0, 0, 1], [3, 4]);
    const r = routerGates(logits, 2);
    const apart = topk(logits, 2);
    expect(Array.from(await r.indices.read())).toEqual([1, 2, 1, 2, 0, 3]);
    expect(Array.from(await r.indices.read())).toEqual(Array.from(await apart.indices.read()));
    expect(await r.probs.read()).toBeAllclose(await softmax(logits).read(), { rtol: 1e-6, atol: 1e-7 });
    expect(await r.gates.read()).toBeAllclose(await softmax(apart.values).read(), { rtol: 1e-6, atol: 1e-7 });
  });
  it('a gradient through the gates alone reaches only the chosen logits', async () => {
    const x = requireGrad(tensor([0.1, 0.9, -0.4, 0.7, 0.3, -1, 0.2, 0.5], [2, 4]));
    const { gates } = routerGates(x, 2);
    backward(sumAll(mul(gates, tensor([1, 3, -2, 5], [2, 2]))));
    const dx = Array.from(await x.grad!.read());
    expect([dx[0], dx[2], dx[5], dx[6]]).toEqual([0, 0, 0, 0]); // not chosen: 0.1, -0.4 / -1, 0.2
    expect([dx[1], dx[3], dx[4], dx[7]].every((v) => v !== 0)).toBe(true);
  });
  it('rejects k outside [1, min(8, experts)]', () => {
    expect(() => routerGates(tensor([1, 2, 3], [1, 3]), 4)).toThrow(/k in \[1, min\(8, experts\)\]/);
  });
});
