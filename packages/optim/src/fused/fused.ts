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

/** AdaGrad: S ← S + g² (+ initial accumulator on step 1); θ ← θ − lr·g/(√S + eps). Scalars: eps init lr. */
export const ADAGRAD_BODY = 'out1 = out1 + in0 * in0 + s1; out0 = out0 - s2 * in0 / (sqrt(out1) + s0);';

/** RMSProp: v ← αv + (1−α)g²; θ ← θ − lr·g/(√v + eps). Scalars: α eps lr. */
export const RMSPROP_BODY = 'out1 = s0 * out1 + (1.0 - s0) * in0 * in0; out0 = out0 - s2 * in0 / (sqrt(out1) + s1);';

/** signSGD with decoupled decay: θ ← θ − lr·(sign(g) + wd·θ). Scalars: lr wd. */
export const SIGN_BODY = 'out0 = out0 - s0 * (sign(in0) + s1 * out0);';

/** Signum: b ← μb + (1−μ)g; θ ← θ − lr·(sign(b) + wd·θ). Scalars: μ lr wd. */
export const SIGNUM_BODY = 'out1 = s0 * out1 + (1.0 - s0) * in0; out0 = out0 - s1 * (sign(out1) + s2 * out0);';

/** The tail of Muon after Newton–Schulz: θ ← θ − lr·(O + wd·θ), O in in0. Scalars: lr wd. */
export const DECAY_AND_STEP_BODY = 'out0 = out0 - s0 * (in0 + s1 * out0);';

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
