/**
 * Fused optimizer steps: the whole elementwise update of a named optimizer as ONE kernel per
 * parameter (params, state updated in place, no intermediate update tensors). Each is an
 * optimisation of the corresponding `chain(...)` in alias.ts, never a separate definition: the
 * tests run both and compare.
 */
import { mapInPlace, type Tensor } from '@optimlab/tensor-wgpu';

/** AdamW: m, v EMAs; θ ← θ − lr·(m̂/(√(v̂+epsRoot)+eps) + wd·θ). Scalars: b1 b2 bc1 bc2 eps epsRoot lr wd. */
export const ADAMW_BODY = /* wgsl */ `
  out1 = s0 * out1 + (1.0 - s0) * in0;
  out2 = s1 * out2 + (1.0 - s1) * in0 * in0;
  let u = (out1 / s2) / (sqrt(out2 / s3 + s5) + s4);
  out0 = out0 - s6 * (u + s7 * out0);`;

/** Lion: θ ← θ − lr·(sign(b1·m + (1−b1)·g) + wd·θ); m ← b2·m + (1−b2)·g. Scalars: b1 b2 lr wd. */
export const LION_BODY = /* wgsl */ `
  let c = sign(s0 * out1 + (1.0 - s0) * in0);
  out1 = s1 * out1 + (1.0 - s1) * in0;
  out0 = out0 - s2 * (c + s3 * out0);`;

/** Momentum SGD (heavy ball / EMA, Nesterov): scalars μ lr wd; the direction expression varies. */
export function momentumBody(ema: boolean, nesterov: boolean): string {
  const accumulate = ema ? 'out1 = s0 * out1 + (1.0 - s0) * in0;' : 'out1 = s0 * out1 + in0;';
  const direction = nesterov ? (ema ? '(1.0 - s0) * in0 + s0 * out1' : 'in0 + s0 * out1') : 'out1';
  return `${accumulate} out0 = out0 - s1 * (${direction} + s2 * out0);`;
}

/** Plain SGD with decoupled weight decay: scalars lr wd. */
export const SGD_BODY = 'out0 = out0 - s0 * (in0 + s1 * out0);';

/** Runs `body` for every parameter: inputs [grad], outputs [param, ...state slots]. */
export function fusedForEach(
  name: string,
  body: string,
  grads: Readonly<Record<string, Tensor>>,
  params: Readonly<Record<string, Tensor>>,
  slots: readonly Readonly<Record<string, Tensor>>[],
  scalars: readonly number[],
): void {
  for (const [key, g] of Object.entries(grads)) {
    const p = params[key];
    if (!p) throw new Error(`no parameter named "${key}" for its gradient`);
    mapInPlace({ name, body, inputs: [g], outputs: [p, ...slots.map((s) => s[key]!)], scalars });
  }
}
