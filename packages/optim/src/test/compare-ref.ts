/**
 * Runs a GPU optimizer and a float64 reference of its rule over the same random gradients and
 * returns the worst relative error of the parameters (max |gpu − ref| over the parameter's
 * displacement), for tests of every optimizer against its published rule.
 */
import { scope, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { randomArray } from '@optimlab/tensor-wgpu/testing';
import type { GradientTransformation } from '../base.js';
import { createOptimizer } from '../optimizer.js';
import type { RefOptimizer } from '../rules.ref.js';

export interface RefCase {
  readonly make: () => GradientTransformation<any>;
  readonly ref: RefOptimizer;
}

export async function compareWithRef(c: RefCase, { shapes, steps, fused }: { shapes: Readonly<Record<string, readonly number[]>>; steps: number; fused: boolean }): Promise<number> {
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  const init = Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, randomArray(size(s), 10 + k)]));
  const grads = Array.from({ length: steps }, (_, t) => Object.fromEntries(Object.entries(shapes).map(([n, s], k) => [n, randomArray(size(s), 100 * t + k, -1, 1)])));
  const params: Record<string, Tensor> = Object.fromEntries(Object.entries(init).map(([n, a]) => [n, tensor(a, shapes[n]!).keep()]));
  const opt = createOptimizer(c.make(), params);
  for (let t = 0; t < steps; t++) {
    scope(() => opt.step(Object.fromEntries(Object.entries(grads[t]!).map(([n, a]) => [n, tensor(a, shapes[n]!)])), { fused }));
  }
  let worst = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const p = Float64Array.from(init[name]!);
    const step = c.ref.make(shape, name);
    for (let t = 0; t < steps; t++) step(p, grads[t]![name]!, t + 1);
    const got = await params[name]!.read();
    let num = 0;
    let den = 1e-30;
    for (let i = 0; i < p.length; i++) {
      num = Math.max(num, Math.abs(got[i]! - p[i]!));
      den = Math.max(den, Math.abs(p[i]! - init[name]![i]!));
    }
    worst = Math.max(worst, num / den);
  }
  opt.dispose();
  Object.values(params).forEach((p) => p.dispose());
  return worst;
}
