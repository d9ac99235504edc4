/**
 * combineExperts: a mixture of experts' weighted sum of each token's expert outputs, back in token
 * order, in one kernel (backward: two). See combine.wgsl.ts.
 */
import { record } from '../../autodiff/record.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, u32 } from '../common.js';
import { fill } from '../elementwise/elementwise.js';
import { combineExpertsGatesGradWgsl, combineExpertsRowsGradWgsl, combineExpertsWgsl } from './combine.wgsl.js';
import type { Routing } from './moe.js';

/**
 * out (N, d)[n] = Σ_j gates[n, j] · ys[position[n·k + j]], for expert outputs `ys` (N·k, d) in the
 * routing's sorted order and `gates` (N, k). Differentiable in ys and gates.
 */
export function combineExperts(ys: Tensor, gates: Tensor, routing: Pick<Routing, 'order' | 'position'>): Tensor {
  assertF32(ys, 'combineExperts');
  assertF32(gates, 'combineExperts');
  assertI32(routing.order, 'combineExperts');
  assertI32(routing.position, 'combineExperts');
  const [N, k] = gates.shape as [number, number];
  const slots = N * k;
  if (gates.ndim !== 2 || ys.ndim !== 2 || ys.shape[0] !== slots || routing.order.size !== slots || routing.position.size !== slots) {
    throw new RangeError(`combineExperts: needs gates (N, k), expert outputs (N·k, d) and a routing of N·k slots, got gates ${shapeStr(gates.shape)}, outputs ${shapeStr(ys.shape)}, ${routing.order.size} slots.`);
  }
  const d = ys.shape[1]!;
  const out = new Tensor([N, d]);
  if (N * d > 0) dispatch(kernel('moe-combine', combineExpertsWgsl), [N, k, d].map(u32), [ys.buffer, gates.buffer, routing.position.buffer, out.buffer], grid1d(N * d));
  return record('combineExperts', [ys, gates], { order: routing.order, position: routing.position }, out);
}

/** [dys (N·k, d), dgates (N, k)] for the upstream gradient g (N, d). */
export function combineExpertsBackward(g: Tensor, ys: Tensor, gates: Tensor, order: Tensor, position: Tensor): [Tensor, Tensor] {
  const [N, k] = gates.shape as [number, number];
  const d = ys.shape[1]!;
  if (N * k * d === 0) return [fill(ys.shape, 0), fill(gates.shape, 0)];
  const dys = new Tensor(ys.shape);
  const dgates = new Tensor(gates.shape);
  const uniforms = [N, k, d].map(u32);
  dispatch(kernel('moe-combine-back-rows', combineExpertsRowsGradWgsl), uniforms, [g.buffer, gates.buffer, order.buffer, dys.buffer], grid1d(N * k * d));
  dispatch(kernel('moe-combine-back-gates', combineExpertsGatesGradWgsl), uniforms, [g.buffer, ys.buffer, position.buffer, dgates.buffer], grid1d(N * k, 64));
  return [dys, dgates];
}
