/**
 * MoE dispatch ops (see moe.wgsl.ts): `routeByExpert` sorts (token, choice) slots by expert on the
 * GPU; `groupedMatmul` multiplies each sorted row by its own expert's weight (differentiable in
 * both X and W). With gatherRows/scatterAddRows these give a mixture of experts that computes only
 * the routed tokens, with no readback.
 */
import { record } from '../../autodiff/tape.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, u32 } from '../common.js';
import {
  MAX_EXPERTS, groupedMatmulInputGradVec4Wgsl, groupedMatmulInputGradWgsl, groupedMatmulVec4Wgsl, groupedMatmulWeightGradVec4Wgsl,
  groupedMatmulWeightGradWgsl, groupedMatmulWgsl, routeWgsl,
} from './moe.wgsl.js';

export interface Routing {
  /** (N·k) i32: slot ids (token·k + choice) sorted by expert, stable. */
  readonly order: Tensor;
  /** (N·k) i32: the expert of each sorted row. */
  readonly rowExpert: Tensor;
  /** (E + 1) i32: rows of expert e are [offsets[e], offsets[e+1]). */
  readonly offsets: Tensor;
  /** (E) f32: share of slots routed to each expert (f_e of the load-balancing loss). */
  readonly fraction: Tensor;
}

/** Sorts the slots of `choices` (any shape, i32 expert ids in [0, E)) by expert. */
export function routeByExpert(choices: Tensor, experts: number): Routing {
  assertI32(choices, 'routeByExpert');
  if (!Number.isInteger(experts) || experts < 1 || experts > MAX_EXPERTS) {
    throw new RangeError(`routeByExpert: the number of experts must be in [1, ${MAX_EXPERTS}], got ${experts}.`);
  }
  const slots = choices.size;
  const routing: Routing = {
    order: new Tensor([slots], 'i32'),
    rowExpert: new Tensor([slots], 'i32'),
    offsets: new Tensor([experts + 1], 'i32'),
    fraction: new Tensor([experts]),
  };
  const buffers = [choices.buffer, routing.order.buffer, routing.rowExpert.buffer, routing.offsets.buffer, routing.fraction.buffer];
  dispatch(kernel('moe-route', routeWgsl), [u32(slots), u32(experts)], buffers, [1]);
  return routing;
}

/** Y (R, out) with Y[r] = X[r] · W[e(r)]ᵀ, W (E, out, in). */
export function groupedMatmul(x: Tensor, w: Tensor, routing: Routing): Tensor {
  assertF32(x, 'groupedMatmul');
  assertF32(w, 'groupedMatmul');
  if (w.ndim !== 3 || x.ndim !== 2 || x.shape[1] !== w.shape[2] || x.shape[0] !== routing.rowExpert.size) {
    throw new RangeError(`groupedMatmul: X ${shapeStr(x.shape)} and W ${shapeStr(w.shape)} must be (rows, in) and (experts, out, in) with one row per routed slot.`);
  }
  const [E, O, I] = w.shape as [number, number, number];
  const R = x.shape[0]!;
  const y = new Tensor([R, O]);
  const groups = Math.ceil(O / 4);
  const k = I % 4 === 0 ? kernel('grouped-matmul-vec4', groupedMatmulVec4Wgsl) : kernel('grouped-matmul', groupedMatmulWgsl);
  if (R > 0) dispatch(k, [R, O, I, E].map(u32), [x.buffer, w.buffer, routing.rowExpert.buffer, y.buffer], grid1d(R * groups, 64));
  return record('groupedMatmul', [x, w], { rowExpert: routing.rowExpert, offsets: routing.offsets }, y);
}

/** [dX, dW] of groupedMatmul. */
export function groupedMatmulBackward(g: Tensor, x: Tensor, w: Tensor, rowExpert: Tensor, offsets: Tensor): Tensor[] {
  const [E, O, I] = w.shape as [number, number, number];
  const R = x.shape[0]!;
  const dx = new Tensor(x.shape);
  const dw = new Tensor(w.shape);
  const uniforms = [R, O, I, E].map(u32);
  const v = I % 4 === 0 ? 4 : 1; // vec4 along the inner dim when it divides
  const kdx = v === 4 ? kernel('grouped-matmul-dx-vec4', groupedMatmulInputGradVec4Wgsl) : kernel('grouped-matmul-dx', groupedMatmulInputGradWgsl);
  const kdw = v === 4 ? kernel('grouped-matmul-dw-vec4', groupedMatmulWeightGradVec4Wgsl) : kernel('grouped-matmul-dw', groupedMatmulWeightGradWgsl);
  if (R > 0) dispatch(kdx, uniforms, [g.buffer, w.buffer, rowExpert.buffer, dx.buffer], grid1d((R * I) / v, 64));
  dispatch(kdw, uniforms, [g.buffer, x.buffer, offsets.buffer, dw.buffer], grid1d((E * O * I) / v, 64));
  return [dx, dw];
}
