/** dropout(x, { p, seed, stream }): seeded inverted dropout (identity when p = 0). */
import type { DropoutOptions } from '../../autodiff/op-attrs.js';
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor } from '../../tensor.js';
import { assertF32, f32, grid1d, u32 } from '../common.js';
import { splitSeed } from '../random/philox.ref.js';
import { dropoutWgsl } from './dropout.wgsl.js';

export type { DropoutOptions };

export function dropoutMask(x: Tensor, { p, seed, stream = 0 }: DropoutOptions): Tensor {
  const y = new Tensor(x.shape);
  const [lo, hi] = splitSeed(seed);
  const n4 = Math.ceil(x.size / 4);
  dispatch(kernel('dropout', dropoutWgsl), [u32(x.size), u32(lo), u32(hi), u32(stream), f32(p)], [x.buffer, y.buffer], grid1d(n4, 64));
  return y;
}

export function dropout(x: Tensor, options: DropoutOptions): Tensor {
  assertF32(x, 'dropout');
  if (!(options.p >= 0 && options.p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${options.p}.`);
  return record('dropout', [x], options, dropoutMask(x, options));
}
