import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { crossEntropy } from './cross-entropy.js';
import { crossEntropyRef } from './cross-entropy.ref.js';

describe('fused cross-entropy', () => {
  it('equals log(V) for uniform logits', async () => {
    const loss = crossEntropy(tensor(new Array(3 * 5).fill(0), [3, 5]), tensor([0, 4, 2], [3], 'i32'));
    expect(await loss.item()).toBeCloseTo(Math.log(5), 5);
  });
  it.each([
    ['no ignored tokens', [1, 0, 6, 3, 6, 2, 5]],
    ['ignore index and out-of-range targets', [1, -100, 6, 3, -100, 2, 9]],
  ])('%s: GPU vs reference and its VJP', async (_name, targets) => {
    await checkOp({
      inputs: [{ shape: [7, 7] }, { shape: [7], data: targets, int: true }],
      gpu: ([x, t]) => crossEntropy(x!, t!),
      ref: ([x, t]) => [crossEntropyRef(x!, t!, 7)],
    });
  });
  it('a batch of sequences (B, T, V) with V = 300', async () => {
    const targets = Array.from({ length: 6 }, (_, i) => (i * 53) % 300);
    await checkOp({
      inputs: [{ shape: [2, 3, 300] }, { shape: [2, 3], data: targets, int: true }],
      gpu: ([x, t]) => crossEntropy(x!, t!),
      ref: ([x, t]) => [crossEntropyRef(x!, t!, 300)],
      grad: false,
    });
  });
  it('rejects mismatched targets', () => {
    expect(() => crossEntropy(tensor([0, 0, 0, 0], [2, 2]), tensor([1], [1], 'i32'))).toThrow(/need 2 targets/);
    expect(() => crossEntropy(tensor([0, 0], [1, 2]), tensor([1]))).toThrow(/i32 index tensor/);
  });
});
