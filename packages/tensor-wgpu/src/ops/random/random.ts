/** Seeded random tensors generated on the GPU (Philox4x32-10; see philox.wgsl.ts). */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, type Shape } from '../../tensor.js';
import { f32, grid1d, u32 } from '../common.js';
import { splitSeed } from './philox.ref.js';
import { randomWgsl } from './random.wgsl.js';

export interface RandomOptions {
  /** Any safe integer; the same seed gives the same tensor. */
  readonly seed: number;
  /** Independent streams under one seed (e.g. one per parameter). */
  readonly stream?: number;
}

function random(dist: 'uniform' | 'normal', shape: Shape, a: number, b: number, { seed, stream = 0 }: RandomOptions): Tensor {
  const out = new Tensor(shape);
  const blocks = Math.ceil(out.size / 4);
  const [lo, hi] = splitSeed(seed);
  const uniforms = [u32(blocks), u32(lo), u32(hi), u32(stream), f32(a), f32(b)];
  if (blocks > 0) dispatch(kernel(`random:${dist}`, () => randomWgsl(dist)), uniforms, [out.buffer], grid1d(blocks, 64));
  return out;
}

/** Uniform on [low, high). */
export function randUniform(shape: Shape, { low = 0, high = 1, ...rng }: RandomOptions & { low?: number; high?: number }): Tensor {
  return random('uniform', shape, low, high, rng);
}

/** Normal with mean and std. */
export function randNormal(shape: Shape, { mean = 0, std = 1, ...rng }: RandomOptions & { mean?: number; std?: number }): Tensor {
  return random('normal', shape, mean, std, rng);
}
