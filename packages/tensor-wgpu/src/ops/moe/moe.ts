/**
 * MoE dispatch ops (see moe.wgsl.ts): `routeByExpert` sorts (token, choice) slots by expert on the
 * GPU; `groupedMatmul` multiplies each sorted row by its own expert's weight (differentiable in
 * both X and W). With gatherRows/scatterAddRows these give a mixture of experts that computes only
 * the routed tokens, with no readback.
 */
import { record } from '../../autodiff/tape.js';
import { gpuSync } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, u32 } from '../common.js';
import {
  MAX_EXPERTS, groupedMatmulInputGradVec4Wgsl, groupedMatmulInputGradWgsl, groupedMatmulVec4Wgsl, groupedMatmulWeightGradVec4Wgsl,
  groupedMatmulWeightGradWgsl, groupedMatmulWgsl, routeWgsl,
} from './moe.wgsl.js';
import { SUBGROUP_BLOCK } from '../matmul/matmul-subgroup.wgsl.js';
import { currentMatmulVariant } from '../matmul/matmul.js';
import { groupedByRowWgsl, groupedBySegmentWgsl } from './moe-subgroup.wgsl.js';

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
  if (R > 0 && subgroupKernels(I)) {
    // Y = X · W[e]ᵀ: A = X along K = in, B(k, n) = W[e][n][k] along K.
    const uniforms = [R, O, I, E, 0, I, 1, O * I, 1, I].map(u32);
    dispatch(kernel('grouped-matmul-subgroup', () => groupedByRowWgsl(false)), uniforms, [x.buffer, w.buffer, y.buffer, routing.rowExpert.buffer], subgroupGrid(R, O));
    return record('groupedMatmul', [x, w], { rowExpert: routing.rowExpert, offsets: routing.offsets }, y);
  }
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
  if (subgroupKernels(O, I)) {
    // dX = dY · W[e]: A = dY along K = out, B(k, n) = W[e][k][n] along N = in.
    if (R > 0) {
      const uniforms = [R, I, O, E, 0, O, 1, O * I, I, 1].map(u32);
      dispatch(kernel('grouped-matmul-dx-subgroup', () => groupedByRowWgsl(true)), uniforms, [g.buffer, w.buffer, dx.buffer, rowExpert.buffer], subgroupGrid(R, I));
    }
    // dW[e] = dY[rows of e]ᵀ · X[rows of e]: A(m = o, k = r) = dY[r][o] along M, B = X along N.
    const uniforms = [O, I, R, E, 0, 1, O, 0, I, 1].map(u32);
    dispatch(kernel('grouped-matmul-dw-subgroup', () => groupedBySegmentWgsl), uniforms, [g.buffer, x.buffer, dw.buffer, offsets.buffer], subgroupGrid(O, I, E));
    return [dx, dw];
  }
  const uniforms = [R, O, I, E].map(u32);
  const v = I % 4 === 0 ? 4 : 1; // vec4 along the inner dim when it divides
  const kdx = v === 4 ? kernel('grouped-matmul-dx-vec4', groupedMatmulInputGradVec4Wgsl) : kernel('grouped-matmul-dx', groupedMatmulInputGradWgsl);
  const kdw = v === 4 ? kernel('grouped-matmul-dw-vec4', groupedMatmulWeightGradVec4Wgsl) : kernel('grouped-matmul-dw', groupedMatmulWeightGradWgsl);
  if (R > 0) dispatch(kdx, uniforms, [g.buffer, w.buffer, rowExpert.buffer, dx.buffer], grid1d((R * I) / v, 64));
  dispatch(kdw, uniforms, [g.buffer, x.buffer, offsets.buffer, dw.buffer], grid1d((E * O * I) / v, 64));
  return [dx, dw];
}

/** Whether the subgroup kernels run: the variant in force, and vec4 loads along every dim of `dims`. */
function subgroupKernels(...dims: number[]): boolean {
  return currentMatmulVariant(gpuSync()) === 'subgroup' && dims.every((d) => d % 4 === 0);
}

/** Workgroups covering `batch` (m, n) outputs with the subgroup kernel's blocks. */
function subgroupGrid(m: number, n: number, batch = 1): [number, number, number] {
  return [Math.ceil(n / SUBGROUP_BLOCK.cols), Math.ceil(m / SUBGROUP_BLOCK.rows), batch];
}
