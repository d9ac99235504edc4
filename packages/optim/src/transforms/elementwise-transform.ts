/**
 * Most optimizer transforms are elementwise: per parameter, read the incoming update (and maybe the
 * parameter), update state tensors in place, write a new update. `elementwiseTransform` builds such
 * a transform from one WGSL body run by `mapInPlace`, with per-step scalars computed on the CPU from
 * the step count (bias corrections, schedules) — no readback.
 *
 * Body conventions: `in0` = incoming update, `in1` = parameter (when `usesParams`), `out0` = the new
 * update (uninitialised: the body must assign it), `out1…` = the state tensors in `stateNames` order; `s0…` the
 * scalars returned by `scalars(count)` where count is 1 on the first step.
 */
import { Tensor, mapInPlace } from '@optimlab/tensor-wgpu';
import { zerosLike, type GradientTransformation, type Params } from '../base.js';

export interface ElementwiseState {
  count: number;
  readonly slots: Readonly<Record<string, Readonly<Record<string, Tensor>>>>;
}

export interface ElementwiseSpec {
  readonly name: string;
  readonly body: string;
  readonly stateNames: readonly string[];
  readonly scalars: (count: number) => readonly number[];
  readonly usesParams?: boolean;
}

export function elementwiseTransform(spec: ElementwiseSpec): GradientTransformation<ElementwiseState> {
  return {
    init: (params) => ({ count: 0, slots: Object.fromEntries(spec.stateNames.map((s) => [s, zerosLike(params)])) }),
    update: (updates, state, extras) => {
      state.count++;
      const scalars = spec.scalars(state.count);
      const out: Record<string, Tensor> = {};
      for (const [name, u] of Object.entries(updates)) {
        const next = new Tensor(u.shape); // fully written by the body
        const inputs = spec.usesParams ? [u, paramOf(extras.params, name)] : [u];
        const states = spec.stateNames.map((s) => state.slots[s]![name]!);
        mapInPlace({ name: spec.name, body: spec.body, inputs, outputs: [next, ...states], scalars });
        out[name] = next;
      }
      return out;
    },
  };
}

export function paramOf(params: Params, name: string): Tensor {
  const p = params[name];
  if (!p) throw new Error(`no parameter named "${name}" for its update`);
  return p;
}
