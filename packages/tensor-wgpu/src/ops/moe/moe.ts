/**
 * MoE dispatch ops (see moe.wgsl.ts): `routeByExpert` sorts (token, choice) slots by expert on the
 * GPU; `groupedMatmul` multiplies each sorted row by its own expert's weight (differentiable in
 * both X and W). With gatherRows/scatterAddRows these give a mixture of experts that computes only
 * the routed tokens, with no readback. Kernels: GROUPED_MATMUL_KERNELS.
 */
import { record } from '../../autodiff/record.js';
import { gpuSync } from '../../device.js';
import type { PooledBuffer } from '../../buffer.js';
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { assertF32, assertI32, grid1d, u32 } from '../common.js';
import {
  MAX_EXPERTS, groupedMatmulInputGradVec4Wgsl, groupedMatmulInputGradWgsl, groupedMatmulVec4Wgsl, groupedMatmulWeightGradVec4Wgsl,
  groupedMatmulWeightGradWgsl, groupedMatmulWgsl, routeWgsl,
} from './moe.wgsl.js';
import { SUBGROUP_BLOCK } from '../matmul/matmul-subgroup.wgsl.js';
import { forcedMatmulVariant } from '../matmul/matmul.js';
import { notePick, pickTunedKernel, type Tunable } from '../autotune.js';
import { tensor } from '../../creation.js';
import { groupedByRowWgsl, groupedBySegmentWgsl } from './moe-subgroup.wgsl.js';
import { pickKernel, type KernelRow } from '../variants.js';

export interface Routing {
  /** (N·k) i32: slot ids (token·k + choice) sorted by expert, stable. */
  readonly order: Tensor;
  /** (N·k) i32: the sorted row of each slot (order's inverse). */
  readonly position: Tensor;
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
    position: new Tensor([slots], 'i32'),
    rowExpert: new Tensor([slots], 'i32'),
    offsets: new Tensor([experts + 1], 'i32'),
    fraction: new Tensor([experts]),
  };
  const buffers = [choices.buffer, routing.order.buffer, routing.rowExpert.buffer, routing.offsets.buffer, routing.fraction.buffer, routing.position.buffer];
  dispatch(kernel('moe-route', routeWgsl), [u32(slots), u32(experts)], buffers, [1]);
  return routing;
}

/** One grouped product as the kernels see it: the forward (Y) or its gradients (dX, dW). */
export interface GroupedProblem {
  readonly pass: 'forward' | 'backward';
  readonly R: number;
  readonly O: number;
  readonly I: number;
  readonly E: number;
  /** forward: x, w, y, rowExpert. backward: g, x, w, dx, dw, rowExpert, offsets. */
  readonly buffers: readonly PooledBuffer[];
}

/** Workgroups covering `batch` (m, n) outputs with the subgroup kernel's blocks. */
const subgroupGrid = (m: number, n: number, batch = 1): [number, number, number] => [Math.ceil(n / SUBGROUP_BLOCK.cols), Math.ceil(m / SUBGROUP_BLOCK.rows), batch];

/**
 * The grouped-matmul kernels in order of preference: the subgroup kernels (vec4 along every dim
 * they load: `in` forward, `in` and `out` backward), then vec4 along `in`, then scalar.
 */
export const GROUPED_MATMUL_KERNELS: readonly KernelRow<GroupedProblem>[] = [
  {
    name: 'subgroup',
    serves: ['subgroup'],
    eligible: ({ pass, O, I }) => I % 4 === 0 && (pass === 'forward' || O % 4 === 0),
    dispatch: ({ pass, R, O, I, E, buffers }) => {
      if (pass === 'forward') {
        // Y = X · W[e]ᵀ: A = X along K = in, B(k, n) = W[e][n][k] along K.
        const [x, w, y, rowExpert] = buffers as [PooledBuffer, PooledBuffer, PooledBuffer, PooledBuffer];
        const uniforms = [R, O, I, E, 0, I, 1, O * I, 1, I].map(u32);
        if (R > 0) dispatch(kernel(`grouped-matmul-subgroup${O % 4 === 0 ? ':vec4-store' : ''}`, () => groupedByRowWgsl(false, O % 4 === 0)), uniforms, [x, w, y, rowExpert], subgroupGrid(R, O));
        return;
      }
      const [g, x, w, dx, dw, rowExpert, offsets] = buffers as PooledBuffer[];
      // dX = dY · W[e]: A = dY along K = out, B(k, n) = W[e][k][n] along N = in.
      if (R > 0) {
        const uniforms = [R, I, O, E, 0, O, 1, O * I, I, 1].map(u32);
        dispatch(kernel('grouped-matmul-dx-subgroup', () => groupedByRowWgsl(true, true)), uniforms, [g!, w!, dx!, rowExpert!], subgroupGrid(R, I));
      }
      // dW[e] = dY[rows of e]ᵀ · X[rows of e]: A(m = o, k = r) = dY[r][o] along M, B = X along N.
      const uniforms = [O, I, R, E, 0, 1, O, 0, I, 1].map(u32);
      dispatch(kernel('grouped-matmul-dw-subgroup', () => groupedBySegmentWgsl), uniforms, [g!, x!, dw!, offsets!], subgroupGrid(O, I, E));
    },
  },
  {
    name: 'per-row (vec4 along in)',
    serves: ['register', 'subgroup', 'tiled'],
    eligible: ({ I }) => I % 4 === 0,
    dispatch: (p) => dispatchPerRow(p, 4),
  },
  {
    name: 'per-row (scalar)',
    serves: ['register', 'subgroup', 'tiled'],
    eligible: () => true,
    dispatch: (p) => dispatchPerRow(p, 1),
  },
];

function dispatchPerRow({ pass, R, O, I, E, buffers }: GroupedProblem, v: 1 | 4): void {
  const uniforms = [R, O, I, E].map(u32);
  if (pass === 'forward') {
    const [x, w, y, rowExpert] = buffers as [PooledBuffer, PooledBuffer, PooledBuffer, PooledBuffer];
    const k = v === 4 ? kernel('grouped-matmul-vec4', groupedMatmulVec4Wgsl) : kernel('grouped-matmul', groupedMatmulWgsl);
    if (R > 0) dispatch(k, uniforms, [x, w, rowExpert, y], grid1d(R * Math.ceil(O / 4), 64));
    return;
  }
  const [g, x, w, dx, dw, rowExpert, offsets] = buffers as PooledBuffer[];
  const kdx = v === 4 ? kernel('grouped-matmul-dx-vec4', groupedMatmulInputGradVec4Wgsl) : kernel('grouped-matmul-dx', groupedMatmulInputGradWgsl);
  const kdw = v === 4 ? kernel('grouped-matmul-dw-vec4', groupedMatmulWeightGradVec4Wgsl) : kernel('grouped-matmul-dw', groupedMatmulWeightGradWgsl);
  if (R > 0) dispatch(kdx, uniforms, [g!, w!, rowExpert!, dx!], grid1d((R * I) / v, 64));
  dispatch(kdw, uniforms, [g!, x!, offsets!, dw!], grid1d((E * O * I) / v, 64));
}

const bucket = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The grouped matmul for the autotuner (see ../autotune.ts): one choice per pass and size bucket.
 * Scratch problems spread the rows evenly over the experts, sorted as routeByExpert sorts them.
 */
export const GROUPED_MATMUL_TUNABLE: Tunable<GroupedProblem> = {
  op: 'groupedMatmul',
  rows: GROUPED_MATMUL_KERNELS,
  classKey: (p) => `${p.pass}:R${bucket(p.R)}:O${p.O}:I${p.I}:E${p.E}`,
  describe: (p) => `rows=${p.R} out=${p.O} in=${p.I} experts=${p.E}`,
  flops: (p) => (p.pass === 'forward' ? 2 : 4) * p.R * p.O * p.I,
  scratch: (p) => {
    const { R, O, I, E } = p;
    const rowExpert = Array.from({ length: R }, (_, r) => Math.floor((r * E) / R));
    const offsets = Array.from({ length: E + 1 }, (_, e) => rowExpert.filter((x) => x < e).length);
    const f = (n: number): Tensor => new Tensor([Math.max(1, n)]);
    const ts = p.pass === 'forward'
      ? [f(R * I), f(E * O * I), f(R * O), tensor(rowExpert, [R], 'i32')]
      : [f(R * O), f(R * I), f(E * O * I), f(R * I), f(E * O * I), tensor(rowExpert, [R], 'i32'), tensor(offsets, [E + 1], 'i32')];
    return { problem: { ...p, buffers: ts.map((t) => t.buffer) }, dispose: () => ts.forEach((t) => t.dispose()) };
  },
};

function run(p: GroupedProblem): void {
  const forced = forcedMatmulVariant(gpuSync());
  if (!forced) return pickTunedKernel(GROUPED_MATMUL_TUNABLE, p).dispatch(p);
  const row = pickKernel('groupedMatmul', GROUPED_MATMUL_KERNELS, forced, p);
  notePick('groupedMatmul', row.name);
  row.dispatch(p);
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
  run({ pass: 'forward', R, O, I, E, buffers: [x.buffer, w.buffer, y.buffer, routing.rowExpert.buffer] });
  return record('groupedMatmul', [x, w], { rowExpert: routing.rowExpert, offsets: routing.offsets }, y);
}

/** [dX, dW] of groupedMatmul. */
export function groupedMatmulBackward(g: Tensor, x: Tensor, w: Tensor, rowExpert: Tensor, offsets: Tensor): Tensor[] {
  const [E, O, I] = w.shape as [number, number, number];
  const R = x.shape[0]!;
  const dx = new Tensor(x.shape);
  const dw = new Tensor(w.shape);
  run({ pass: 'backward', R, O, I, E, buffers: [g.buffer, x.buffer, w.buffer, dx.buffer, dw.buffer, rowExpert.buffer, offsets.buffer] });
  return [dx, dw];
}
