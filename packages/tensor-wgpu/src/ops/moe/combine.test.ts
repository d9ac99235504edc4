import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { routeByExpert } from './moe.js';
import { routeRef } from './moe.ref.js';
import { combineExperts } from './combine.js';
import { combineExpertsRef } from './combine.ref.js';

/** Expert choices of N tokens, k each (distinct per token), over E experts. */
function choicesOf(N: number, k: number, E: number): number[] {
  return Array.from({ length: N * k }, (_, s) => (Math.floor(s / k) * 5 + (s % k) * 3 + (Math.floor(s / k) % 3)) % E);
}

describe('combineExperts', () => {
  it.each([
    [7, 2, 5, 4], // nothing a multiple of 4
    [12, 3, 8, 6],
    [5, 1, 3, 2],
  ])('N = %i, k = %i, d = %i over %i experts: GPU vs reference, VJP of outputs and gates', async (N, k, d, E) => {
    const choices = choicesOf(N, k, E);
    const ref = routeRef(choices, E);
    const routing = routeByExpert(tensor(choices, [N * k], 'i32'), E);
    await checkOp({
      inputs: [{ shape: [N * k, d] }, { shape: [N, k] }],
      gpu: ([ys, gates]) => combineExperts(ys!, gates!, routing),
      ref: ([ys, gates]) => combineExpertsRef(ys!, gates!, ref.position, N, k, d),
    });
  });
  it('rejects mismatched shapes', () => {
    const routing = routeByExpert(tensor([0, 1, 1, 0], [4], 'i32'), 2);
    expect(() => combineExperts(tensor(new Array(12).fill(0), [3, 4]), tensor([1, 0, 1, 0], [2, 2]), routing)).toThrow(/N·k, d/);
  });
});
