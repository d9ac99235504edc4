/**
 * `mapInPlace`: a user-written elementwise WGSL body over same-size f32 tensors, vec4-wide, with
 * outputs updated IN PLACE (they may be read first). It is how other packages (optim's fused
 * updates) write one-kernel elementwise code without touching buffers, pipelines or bind groups.
 *
 * In the body: `in0…inN` and `out0…outM` are `vec4<f32>` lvalues/values at the current index,
 * `s0…sK` are f32 scalars (uniforms), `T` is `vec4<f32>`. Example (SGD):
 *   mapInPlace({ name: 'sgd', body: 'out0 = out0 - s0 * in0;', inputs: [grad], outputs: [param], scalars: [lr] })
 * The body (and `name`) must not change from call to call: it keys the pipeline cache; change
 * numbers through `scalars`.
 */
import { dispatch, kernel } from '../../runtime.js';
import { Tensor, shapeStr } from '../../tensor.js';
import { f32, grid1d, u32 } from '../common.js';
import { bindings, perIndex } from '../wgsl.js';

export interface MapInPlace {
  readonly name: string;
  readonly body: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly scalars?: readonly number[];
}

const MAX_SCALARS = 60;

function mapWgsl(body: string, nIn: number, nOut: number, nScalars: number): string {
  const buffers = [...Array.from({ length: nIn }, (_, k) => [`IN${k}`, 'read vec4<f32>']), ...Array.from({ length: nOut }, (_, k) => [`OUT${k}`, 'rw vec4<f32>'])];
  return /* wgsl */ `
${bindings(Object.fromEntries(buffers))}
alias T = vec4<f32>;
${perIndex(256, 'i', 'pu(0u)')}
  ${Array.from({ length: nScalars }, (_, k) => `let s${k} = pf(${k + 1}u);`).join(' ')}
  ${Array.from({ length: nIn }, (_, k) => `let in${k} = IN${k}[i];`).join(' ')}
  ${Array.from({ length: nOut }, (_, k) => `var out${k} = OUT${k}[i];`).join(' ')}
  ${body}
  ${Array.from({ length: nOut }, (_, k) => `OUT${k}[i] = out${k};`).join(' ')}
}`;
}

export function mapInPlace({ name, body, inputs, outputs, scalars = [] }: MapInPlace): void {
  const all = [...inputs, ...outputs];
  const size = all[0]?.size ?? 0;
  for (const t of all) {
    if (t.dtype !== 'f32' || t.size !== size) {
      throw new RangeError(`mapInPlace(${name}): every tensor must be f32 with ${size} elements, got ${t.dtype} ${shapeStr(t.shape)}.`);
    }
  }
  if (scalars.length > MAX_SCALARS) throw new RangeError(`mapInPlace(${name}): at most ${MAX_SCALARS} scalars.`);
  if (new Set(outputs).size !== outputs.length || outputs.some((o) => inputs.includes(o))) {
    throw new RangeError(`mapInPlace(${name}): an output may not repeat or also be an input (read it as outK).`);
  }
  const n4 = Math.ceil(size / 4);
  if (n4 === 0) return;
  const k = kernel(`map:${name}:${inputs.length}:${outputs.length}:${scalars.length}:${body}`, () => mapWgsl(body, inputs.length, outputs.length, scalars.length));
  dispatch(k, [u32(n4), ...scalars.map(f32)], all.map((t) => t.buffer), grid1d(n4));
}
