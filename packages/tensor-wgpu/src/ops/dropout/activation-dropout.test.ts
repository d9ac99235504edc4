import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { unary } from '../elementwise/elementwise.js';
import { dropout } from './dropout.js';
import { activationDropout } from './activation-dropout.js';
import { activationDropoutRef } from './activation-dropout.ref.js';

describe('activationDropout', () => {
  it.each([
    ['silu', [9, 7], 0.3, 0], // 63 elements: a partial vec4 at the end
    ['gelu', [4, 8], 0.5, 0],
    ['exp', [5, 3], 0.2, 0], // a derivative in terms of y = f(x)
    ['scale', [6], 0.25, 1.5], // a function with a parameter
  ] as const)('%s on %o, p = %f: dropout(f(x)) vs reference, VJP', async (fn, shape, p, param) => {
    const options = { p, seed: 13, stream: 4 };
    await checkOp({
      inputs: [{ shape }],
      gpu: ([x]) => activationDropout(fn, x!, options, param),
      ref: ([x]) => activationDropoutRef(fn, x!, param, p, 13, 4),
    });
  });
  it('gives the numbers of unary then dropout', async () => {
    const x = tensor(Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3), [5, 10]);
    const options = { p: 0.4, seed: 2, stream: 9 };
    const apart = await dropout(unary('silu', x), options).read();
    expect(await activationDropout('silu', x, options).read()).toBeAllclose(apart, { rtol: 1e-6, atol: 1e-7 });
  });
  it('rejects p outside [0, 1)', () => {
    expect(() => activationDropout('relu', tensor([1]), { p: -0.1, seed: 0 })).toThrow(/p must be in \[0, 1\)/);
  });
});
