import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { layerNorm, rmsNorm } from './norm.js';
import { normRef } from './norm.ref.js';

describe('RMSNorm', () => {
  it.each([[[5, 7]], [[2, 3, 10]]])('shape %j: GPU vs reference and VJP (x and w)', async (shape) => {
    const C = shape[shape.length - 1]!;
    await checkOp({
      inputs: [{ shape }, { shape: [C] }],
      gpu: ([x, w]) => rmsNorm(x!, w!, { eps: 1e-5 }),
      ref: ([x, w]) => normRef(x!, w!, undefined, C, 1e-5),
    });
  });
  it('names the expected weight shape', () => {
    expect(() => rmsNorm(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 2, 3]))).toThrow(/must have shape \[2\]/);
  });
});

describe('LayerNorm', () => {
  it.each([[[5, 7]], [[3, 9]]])('shape %j: GPU vs reference and VJP (x, w, b)', async (shape) => {
    const C = shape[shape.length - 1]!;
    await checkOp({
      inputs: [{ shape }, { shape: [C] }, { shape: [C] }],
      gpu: ([x, w, b]) => layerNorm(x!, w!, b!, { eps: 1e-5 }),
      ref: ([x, w, b]) => normRef(x!, w!, b!, C, 1e-5),
    });
  });
});
