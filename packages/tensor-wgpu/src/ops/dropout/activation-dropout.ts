/** activationDropout(fn, x, options): dropout(f(x)) in one kernel (activation-dropout.wgsl.ts). */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel, type UniformValue } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { UNARY, type UnaryFn } from '../elementwise/elementwise.js';
import { splitSeed } from '../random/philox.ref.js';
import type { DropoutOptions } from './dropout.js';
import { activationDropoutGradWgsl, activationDropoutWgsl } from './activation-dropout.wgsl.js';

export interface ActivationDropoutAttrs {
  readonly fn: UnaryFn;
  /** The function's scalar parameter (see UNARY), 0 where it has none. */
  readonly param: number;
  readonly dropout: DropoutOptions;
}

function uniformsOf(x: Tensor, { param, dropout: { p, seed, stream = 0 } }: ActivationDropoutAttrs): UniformValue[] {
  const [lo, hi] = splitSeed(seed);
  return [u32(Math.ceil(x.size / 4)), f32(param), u32(lo), u32(hi), u32(stream), f32(p)];
}

/**
 * dropout(f(x)): the same numbers as `dropout(unary(fn, x, param), options)`, in one pass.
 * Differentiable in x.
 */
export function activationDropout(fn: UnaryFn, x: Tensor, options: DropoutOptions, param = 0): Tensor {
  assertF32(x, 'activationDropout');
  if (!(options.p >= 0 && options.p < 1)) throw new RangeError(`activationDropout: p must be in [0, 1), got ${options.p}.`);
  const attrs: ActivationDropoutAttrs = { fn, param, dropout: options };
  const y = new Tensor(x.shape);
  const n4 = Math.ceil(x.size / 4);
  if (n4 > 0) dispatch(kernel(`activation-dropout:${fn}`, () => activationDropoutWgsl(UNARY[fn].f)), uniformsOf(x, attrs), [x.buffer, y.buffer], grid1d(n4, 64));
  return record('activationDropout', [x], attrs, y);
}

/** dx = g · keep · f'(x). */
export function activationDropoutBackward(g: Tensor, x: Tensor, attrs: ActivationDropoutAttrs): Tensor {
  const dx = new Tensor(x.shape);
  const n4 = Math.ceil(x.size / 4);
  const { f, df } = UNARY[attrs.fn];
  if (n4 > 0) dispatch(kernel(`activation-dropout-grad:${attrs.fn}`, () => activationDropoutGradWgsl(f, df)), uniformsOf(x, attrs), [g.buffer, x.buffer, dx.buffer], grid1d(n4, 64));
  return dx;
}
