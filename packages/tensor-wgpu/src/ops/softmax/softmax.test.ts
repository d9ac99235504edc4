import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { logSoftmax, softmax } from './softmax.js';
import { softmaxRef } from './softmax.ref.js';

describe.each([false, true])('softmax (log = %s)', (log) => {
  it.each([[[4, 7]], [[2, 3, 13]], [[1, 300]]])('shape %j', async (shape) => {
    const n = shape[shape.length - 1]!;
    await checkOp({
      inputs: [{ shape }],
      gpu: ([x]) => (log ? logSoftmax(x!) : softmax(x!)),
      ref: ([x]) => softmaxRef(x!, n, log),
    });
  });
});

describe('softmax numerics', () => {
  it('is stable for large logits', async () => {
    const y = await softmax(tensor([1000, 1000, -1000])).read();
    expect(y).toBeAllclose([0.5, 0.5, 0]);
  });
});
