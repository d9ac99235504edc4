/**
 * Most optimizer transforms are elementwise: per parameter, read the incoming update (and maybe the
 * parameter), update state tensors in place, write a new update. `elementwiseTransform` builds such
 * a transform from one WGSL body; the per-step scalars are computed on the CPU from the step count
 * (bias corrections, schedules), so nothing is read back.
 *
 * The body speaks in names, vec4-wide (`T` is `vec4<f32>`):
 * - `u`: the incoming update (read only); `p`: the parameter (read only, when `usesParams`);
 * - each state tensor by its name in `state` (read and assign);
 * - each scalar by the key it has in what `scalars(count, shape)` returns;
 * - `next`: the outgoing update, which the body must assign.
 *
 * Because the body names its values, a chain of such stages composes into one kernel
 * (`runElementwise`): each stage runs in its own block, bound to its own state slots and scalars,
 * and a chain's last run adds its result to the parameter in the same kernel (`chain`'s fused
 * step). The fused path is therefore the chain's own arithmetic, never a second definition.
 */
import { mapInPlaceGrouped, Tensor, type MapGroupMember } from '@optimlab/tensor-wgpu';
import { zerosLike, type GradientTransformation, type Params } from '../base.js';

export interface ElementwiseState {
  count: number;
  readonly slots: Readonly<Record<string, Readonly<Record<string, Tensor>>>>;
}

export interface ElementwiseSpec {
  readonly name: string;
  readonly body: string;
  readonly state: readonly string[];
  /** The scalars of step `count` (1 on the first step) for the parameter `name` of `shape`, by name. */
  readonly scalars: (count: number, shape: readonly number[], name: string) => Readonly<Record<string, number>>;
  readonly usesParams?: boolean;
}

/** An elementwise transformation: its spec travels with it so that `chain` can fuse it. */
export interface ElementwiseTransformation extends GradientTransformation<ElementwiseState> {
  readonly elementwise: ElementwiseSpec;
}

/** Names the generated kernel uses for itself; a stage may not bind them. */
const RESERVED = /^(i|T|u|p|next|[su]\d+|in\d+|out\d+)$/;

export function elementwiseTransform(spec: ElementwiseSpec): ElementwiseTransformation {
  for (const s of spec.state) if (RESERVED.test(s)) throw new Error(`${spec.name}: state name "${s}" is reserved in the kernel.`);
  return {
    elementwise: spec,
    init: (params) => ({ count: 0, slots: Object.fromEntries(spec.state.map((s) => [s, zerosLike(params)])) }),
    update: (updates, state, extras) => runElementwise([spec], [state], updates, extras.params, false) as Record<string, Tensor>,
  };
}

export function isElementwise(tx: GradientTransformation<any>): tx is ElementwiseTransformation {
  return 'elementwise' in tx && tx.elementwise !== undefined;
}

/**
 * One step of `stages` in sequence: one kernel, dispatched over parameters grouped by equal
 * scalars (usually all of them), as few dispatches as the adapter's binding limit allows
 * (mapInPlaceGrouped; each element's arithmetic is the per-parameter kernel's). Advances each
 * stage's count. With `intoParams` the result is added to the parameter in place (θ ← θ + update,
 * as applyUpdates does) and nothing is returned; otherwise it returns the new update tensors
 * (owned by the caller).
 */
export function runElementwise(
  stages: readonly ElementwiseSpec[],
  states: readonly ElementwiseState[],
  updates: Params,
  params: Params,
  intoParams: boolean,
): Record<string, Tensor> | undefined {
  for (const s of states) s.count++;
  const readsParams = !intoParams && stages.some((s) => s.usesParams);
  const out: Record<string, Tensor> = {};
  // Parameters whose stages' scalars are equal share dispatches (keyed by the scalars' names, in
  // their order, and values: the fused body binds them by name in the first member's order).
  const groups = new Map<string, { scalarSets: Readonly<Record<string, number>>[]; members: MapGroupMember[] }>();
  for (const [name, u] of Object.entries(updates)) {
    const scalarSets = stages.map((s, k) => s.scalars(states[k]!.count, u.shape, name));
    const slots = stages.flatMap((s, k) => s.state.map((slot) => states[k]!.slots[slot]![name]!));
    const target = intoParams ? paramOf(params, name) : new Tensor(u.shape); // a new update is fully written
    const key = scalarSets.map((set) => Object.entries(set).map(([n, v]) => `${n}=${Object.is(v, -0) ? '-0' : String(v)}`).join(',')).join(';');
    if (!groups.has(key)) groups.set(key, { scalarSets, members: [] });
    groups.get(key)!.members.push({ inputs: readsParams ? [u, paramOf(params, name)] : [u], outputs: [target, ...slots] });
    if (!intoParams) out[name] = target;
  }
  for (const { scalarSets, members } of groups.values()) {
    mapInPlaceGrouped({
      name: stages.map((s) => s.name).join('+'),
      body: fusedBody(stages, scalarSets, intoParams, readsParams),
      members,
      scalars: scalarSets.flatMap((set) => Object.values(set)),
    });
  }
  return intoParams ? undefined : out;
}

/**
 * The kernel body: `in0` is the incoming update; `out0` the parameter (intoParams) or the new
 * update; `in1` the parameter when a stage reads it and out0 is not it; then every stage's state
 * slots in order, and its scalars in order.
 */
function fusedBody(stages: readonly ElementwiseSpec[], scalarSets: readonly Readonly<Record<string, number>>[], intoParams: boolean, readsParams: boolean): string {
  let slot = 1;
  let scalar = 0;
  const param = intoParams ? 'out0' : readsParams ? 'in1' : undefined;
  const blocks = stages.map((stage, k) => {
    const names = Object.keys(scalarSets[k]!);
    for (const n of [...names, ...stage.state]) {
      if (RESERVED.test(n)) throw new Error(`${stage.name}: "${n}" is reserved in the kernel.`);
    }
    if (new Set([...names, ...stage.state]).size !== names.length + stage.state.length) throw new Error(`${stage.name}: a scalar and a state slot share a name.`);
    const bind = [
      `let u = u${k};`,
      ...(stage.usesParams ? [`let p = ${param};`] : []),
      ...names.map((n) => `let ${n} = s${scalar++};`),
      ...stage.state.map((s, j) => `var ${s} = out${slot + j};`),
      'var next: T;',
    ];
    const store = [...stage.state.map((s) => `out${slot++} = ${s};`), `u${k + 1} = next;`];
    return `var u${k + 1}: T;\n  {\n    ${bind.join(' ')}\n    ${stage.body.trim()}\n    ${store.join(' ')}\n  }`;
  });
  const last = `u${stages.length}`;
  return `let u0 = in0;\n  ${blocks.join('\n  ')}\n  out0 = ${intoParams ? `out0 + ${last}` : last};`;
}

export function paramOf(params: Params, name: string): Tensor {
  const p = params[name];
  if (!p) throw new Error(`no parameter named "${name}" for its update`);
  return p;
}
