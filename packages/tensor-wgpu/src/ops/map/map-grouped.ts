/**
 * `mapInPlaceGrouped`: `mapInPlace` over several groups of tensors ("members": one parameter's
 * gradient, weights and optimizer state, say) in as few dispatches as the adapter's binding limit
 * allows, instead of one dispatch per member. The body, names and semantics are mapInPlace's
 * (`in0…`, `out0…`, `s0…`, `T`); every member has the same number of inputs and outputs, its own
 * size, and the scalars are shared.
 *
 * One dispatch covers up to `maxStorageBuffersPerShaderStage / (inputs + outputs)` members (at
 * most MAX_MEMBERS). Each member's range of vec4s starts at a multiple of the workgroup size, so a
 * workgroup works on one member only and the branch that picks the member is uniform across it
 * (software adapters run a workgroup as SIMD lanes). Each element gets exactly the arithmetic
 * mapInPlace would give it: results are bitwise equal.
 * Uniforms: [1..k] the end of each member's range (in vec4s, aligned), [k+1..2k] each member's
 * vec4 count, then the scalars.
 */
import { gpuSync } from '../../device.js';
import { dispatch, kernel } from '../../runtime.js';
import { shapeStr, type Tensor } from '../../tensor.js';
import { f32, grid1d, linearIndex, mainSignature, u32 } from '../common.js';
import { bindings } from '../wgsl.js';

export interface MapGroupMember {
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
}

export interface MapInPlaceGrouped {
  readonly name: string;
  readonly body: string;
  readonly members: readonly MapGroupMember[];
  readonly scalars?: readonly number[];
}

/** Members per dispatch at most: the body is repeated once per member in the kernel. */
export const MAX_MEMBERS = 8;
const WORKGROUP = 256;
/** u32 slots in the uniform block (PARAMS_WGSL: 16 vec4s). */
const UNIFORM_SLOTS = 64;

function groupedWgsl(body: string, nIn: number, nOut: number, members: number, nScalars: number): string {
  const buffers: [string, string][] = [];
  const blocks: string[] = [];
  for (let m = 0; m < members; m++) {
    for (let k = 0; k < nIn; k++) buffers.push([`IN${m}_${k}`, 'read vec4<f32>']);
    for (let k = 0; k < nOut; k++) buffers.push([`OUT${m}_${k}`, 'rw vec4<f32>']);
    const start = m === 0 ? '0u' : `pu(${m}u)`;
    blocks.push(`${m === 0 ? '' : 'else '}if (i < pu(${m + 1}u)) {
    let j = i - ${start};
    if (j >= pu(${members + m + 1}u)) { return; }
    ${Array.from({ length: nIn }, (_, k) => `let in${k} = IN${m}_${k}[j];`).join(' ')}
    ${Array.from({ length: nOut }, (_, k) => `var out${k} = OUT${m}_${k}[j];`).join(' ')}
    ${body}
    ${Array.from({ length: nOut }, (_, k) => `OUT${m}_${k}[j] = out${k};`).join(' ')}
  }`);
  }
  const scalarBase = 1 + 2 * members;
  return /* wgsl */ `
${bindings(Object.fromEntries(buffers))}
alias T = vec4<f32>;
${mainSignature(WORKGROUP)} {
  let i = ${linearIndex(WORKGROUP)};
  ${Array.from({ length: nScalars }, (_, k) => `let s${k} = pf(${scalarBase + k}u);`).join(' ')}
  ${blocks.join(' ')}
}`;
}

function check({ name, members, scalars = [] }: MapInPlaceGrouped): void {
  const [first] = members;
  if (!first) return;
  const seen = new Set<Tensor>();
  for (const { inputs, outputs } of members) {
    if (inputs.length !== first.inputs.length || outputs.length !== first.outputs.length) {
      throw new RangeError(`mapInPlaceGrouped(${name}): every member needs ${first.inputs.length} inputs and ${first.outputs.length} outputs.`);
    }
    const size = (inputs[0] ?? outputs[0])?.size ?? 0;
    for (const t of [...inputs, ...outputs]) {
      if (t.dtype !== 'f32' || t.size !== size) throw new RangeError(`mapInPlaceGrouped(${name}): a member's tensors must be f32 with ${size} elements, got ${t.dtype} ${shapeStr(t.shape)}.`);
    }
    for (const o of outputs) {
      if (seen.has(o)) throw new RangeError(`mapInPlaceGrouped(${name}): an output may appear once in all members.`);
      seen.add(o);
    }
  }
  for (const { inputs } of members) {
    if (inputs.some((t) => seen.has(t))) throw new RangeError(`mapInPlaceGrouped(${name}): an output may not also be an input (read it as outK).`);
  }
  if (scalars.length > UNIFORM_SLOTS - 3) throw new RangeError(`mapInPlaceGrouped(${name}): at most ${UNIFORM_SLOTS - 3} scalars.`);
}

/** Members per dispatch on this adapter, for `perMember` buffers each and `nScalars` scalars. */
export function membersPerDispatch(perMember: number, nScalars: number): number {
  const byBindings = Math.floor(gpuSync().limits.maxStorageBuffersPerShaderStage / Math.max(1, perMember));
  const byUniforms = Math.floor((UNIFORM_SLOTS - 1 - nScalars) / 2);
  return Math.max(1, Math.min(MAX_MEMBERS, byBindings, byUniforms));
}

export function mapInPlaceGrouped(spec: MapInPlaceGrouped): void {
  check(spec);
  const { name, body, scalars = [] } = spec;
  const members = spec.members.filter((m) => ((m.inputs[0] ?? m.outputs[0])?.size ?? 0) > 0);
  const [first] = members;
  if (!first) return;
  const [nIn, nOut] = [first.inputs.length, first.outputs.length];
  const chunk = membersPerDispatch(nIn + nOut, scalars.length);
  for (let at = 0; at < members.length; at += chunk) {
    const group = members.slice(at, at + chunk);
    const n4 = group.map((m) => Math.ceil((m.inputs[0] ?? m.outputs[0])!.size / 4));
    const ends: number[] = [];
    let end = 0;
    for (const n of n4) ends.push((end += Math.ceil(n / WORKGROUP) * WORKGROUP));
    const k = kernel(`map-grouped:${name}:${nIn}:${nOut}:${group.length}:${scalars.length}:${body}`, () => groupedWgsl(body, nIn, nOut, group.length, scalars.length));
    const uniforms = [u32(group.length), ...ends.map(u32), ...n4.map(u32), ...scalars.map(f32)];
    dispatch(k, uniforms, group.flatMap((m) => [...m.inputs, ...m.outputs].map((t) => t.buffer)), grid1d(end, WORKGROUP));
  }
}
