import { afterEach, describe, expect, it } from 'vitest';
import { checkOp, inputData } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { backward } from '../../autodiff/tape.js';
import { noGrad, requireGrad } from '../../autodiff/record.js';
import { scopeAsync } from '../../tensor.js';
import { memoryStats, resetPeakMemory, sizeClass } from '../../buffer.js';
import { matmul } from '../matmul/matmul.js';
import { crossEntropy } from '../cross-entropy/cross-entropy.js';
import { linearCrossEntropy, linearCrossEntropyChunkRows, linearCrossEntropyWithStats, setLinearCrossEntropyChunkRows } from './linear-cross-entropy.js';
import { linearCrossEntropyRef } from './linear-cross-entropy.ref.js';

afterEach(() => setLinearCrossEntropyChunkRows(undefined));

describe('fused LM head + cross-entropy', () => {
  it.each([
    ['one chunk, no ignored rows', [1, 0, 12, 3, 6, 2, 5], 64],
    ['chunks of 3 rows with ignored and out-of-range targets', [1, -100, 12, 3, -100, 2, 13], 3],
  ])('%s: GPU vs float64 reference and finite differences in h and W', async (_name, targets, chunkRows) => {
    await checkOp({
      inputs: [{ shape: [7, 5] }, { shape: [13, 5] }, { shape: [7], data: targets, int: true }],
      gpu: ([h, w, t]) => linearCrossEntropy(h!, w!, t!, { chunkRows }),
      ref: ([h, w, t]) => [linearCrossEntropyRef(h!, w!, t!, 5).loss],
    });
  });

  it('a chunk size that does not divide the rows gives the one-chunk loss and gradients (V = 300, d = 12)', async () => {
    const [N, d, V] = [37, 12, 300];
    const targets = Array.from({ length: N }, (_, i) => (i % 9 === 4 ? -100 : (i * 53) % V));
    const [h0, w0] = inputData([{ shape: [N, d] }, { shape: [V, d] }], 7);
    const run = (chunkRows: number) =>
      scopeAsync(async () => {
        const h = requireGrad(tensor(h0!, [N, d]));
        const w = requireGrad(tensor(w0!, [V, d]));
        const loss = linearCrossEntropy(h, w, tensor(targets, [N], 'i32'), { chunkRows });
        backward(loss);
        return { loss: await loss.item(), dh: await h.grad!.read(), dw: await w.grad!.read() };
      });
    const whole = await run(N);
    const chunked = await run(5);
    expect(whole.loss).toBeCloseTo(linearCrossEntropyRef(h0!, w0!, targets, d).loss, 5);
    expect([chunked.loss]).toBeAllclose([whole.loss], { rtol: 1e-6, atol: 0 });
    expect(chunked.dh).toBeAllclose(whole.dh, { rtol: 1e-5, atol: 1e-8 });
    expect(chunked.dw).toBeAllclose(whole.dw, { rtol: 1e-5, atol: 1e-8 });
  });

  it('agrees with matmul + crossEntropy over the full logits, through the forced chunk setter', async () => {
    const [N, d, V] = [20, 8, 45];
    const targets = Array.from({ length: N }, (_, i) => (i * 7) % V);
    const [h0, w0] = inputData([{ shape: [N, d] }, { shape: [V, d] }], 3);
    setLinearCrossEntropyChunkRows(6);
    await scopeAsync(async () => {
      const [h, w, t] = [tensor(h0!, [2, 10, d]), tensor(w0!, [V, d]), tensor(targets, [2, 10], 'i32')];
      const fused = await linearCrossEntropy(h, w, t).item();
      const full = await noGrad(() => crossEntropy(matmul(tensor(h0!, [N, d]), w, { transB: true }), tensor(targets, [N], 'i32'))).item();
      expect(fused).toBeCloseTo(full, 5);
    });
  });

  it('evaluation counts: loss sum, argmax-correct rows and counted rows, chunk by chunk', async () => {
    const [N, d, V] = [23, 6, 70];
    const [h0, w0] = inputData([{ shape: [N, d] }, { shape: [V, d] }], 11);
    // Rows 1 and 2 have all logits equal: the argmax is the first column (0), so row 1 is right, row 2 wrong.
    h0!.fill(0, d, 3 * d);
    // Every third row targets its own argmax, the rest are arbitrary or ignored.
    const targets = Array.from({ length: N }, (_, r) => (r === 1 ? 0 : r === 2 ? 1 : r % 5 === 0 ? -100 : r % 3 === 0 ? bestColumn(h0!, w0!, r, d, V) : (r * 7) % V));
    const ref = linearCrossEntropyRef(h0!, w0!, targets, d);
    expect(ref.correct).toBeGreaterThan(4);
    expect(ref.correct).toBeLessThan(ref.count / 2);
    await scopeAsync(async () => {
      const { loss, stats } = linearCrossEntropyWithStats(tensor(h0!, [N, d]), tensor(w0!, [V, d]), tensor(targets, [N], 'i32'), { chunkRows: 4 });
      expect(await stats.read()).toBeAllclose([ref.lossSum, ref.correct, ref.count], { rtol: 1e-5, atol: 1e-5 });
      expect(await loss.item()).toBeCloseTo(ref.loss, 5);
    });
  });

  it('chunk rows from the device limits: the logits chunk fits one binding in its pool size class', () => {
    const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 2 ** 30 };
    const rows = linearCrossEntropyChunkRows(24 * 512, 49152, limits);
    expect(sizeClass(rows * 49152 * 4)).toBeLessThanOrEqual(limits.maxStorageBufferBindingSize);
    expect(rows % 8).toBe(0);
    expect(Math.ceil((24 * 512) / rows)).toBe(Math.ceil((24 * 512) / 680)); // as few chunks as fit
    expect(linearCrossEntropyChunkRows(10, 49152, limits)).toBe(16); // balanced, multiple of 8 (≥ N is fine)
    expect(() => linearCrossEntropyChunkRows(4, 2 ** 26, limits)).toThrow(/one row of 67108864 logits/);
  });

  it('rejects mismatched shapes', () => {
    expect(() => linearCrossEntropy(tensor([0, 0, 0, 0], [2, 2]), tensor([0, 0, 0], [1, 3]), tensor([1, 1], [2], 'i32'))).toThrow(/must be \(\.\.\., d\) and \(V, d\)/);
    expect(() => linearCrossEntropy(tensor([0, 0, 0, 0], [2, 2]), tensor([0, 0], [1, 2]), tensor([1], [1], 'i32'))).toThrow(/needs 2 targets/);
  });
});

function bestColumn(h: Float64Array, w: Float64Array, r: number, d: number, V: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let j = 0; j < V; j++) {
    let acc = 0;
    for (let i = 0; i < d; i++) acc += h[r * d + i]! * w[j * d + i]!;
    if (acc > bestValue) [best, bestValue] = [j, acc];
  }
  return best;
}

describe('memory of the fused head', () => {
  it('never holds more than one chunk of logits: peak live bytes stay far below N·V floats', async () => {
    const [N, d, V] = [512, 16, 2000]; // full logits: 4 MB
    const [h0, w0] = inputData([{ shape: [N, d] }, { shape: [V, d] }], 5);
    await scopeAsync(async () => {
      const h = requireGrad(tensor(h0!, [N, d]));
      const w = requireGrad(tensor(w0!, [V, d]));
      const t = tensor(Array.from({ length: N }, (_, i) => i % V), [N], 'i32');
      resetPeakMemory();
      const before = memoryStats().liveBytes;
      backward(linearCrossEntropy(h, w, t, { chunkRows: 32 }));
      const extra = memoryStats().peakLiveBytes - before;
      expect(extra).toBeLessThan(N * V * 4 * 0.25);
      expect(extra).toBeGreaterThan(32 * V * 4); // one chunk's logits did exist
    });
  });
});
