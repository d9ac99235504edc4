/**
 * The optax-style core: a gradient transformation turns updates (initially the gradients) into new
 * updates, keeping its own state. What differs from optax, for the GPU:
 * - State holds GPU tensors updated IN PLACE by kernels (no reallocation per step); the JS state
 *   object also carries the step count, so schedules need no readback.
 * - `update` returns NEW update tensors owned by the caller; it never disposes its inputs.
 * - A transformation may offer `fusedStep`: the same maths applied to the parameters directly in
 *   one kernel per parameter (see fused/). It must equal `update` + `applyUpdates` (tested).
 */
import { mapInPlace, zeros, type Tensor } from '@optimlab/tensor-wgpu';

/** Named parameters (or gradients, or updates) — names let `partition` route by role. */
export type Params = Readonly<Record<string, Tensor>>;

/** A pure function of the step (0-based, counted in optimizer steps). */
export type Schedule = (step: number) => number;
export type ScalarOrSchedule = number | Schedule;

export function valueAt(value: ScalarOrSchedule, step: number): number {
  return typeof value === 'number' ? value : value(step);
}

/** The learning rate at `step`, checked (a schedule may go negative or NaN). */
export function learningRateAt(learningRate: ScalarOrSchedule, step: number): number {
  const lr = valueAt(learningRate, step);
  if (!(Number.isFinite(lr) && lr >= 0)) throw new RangeError(`learning rate schedule gave ${lr} at step ${step}.`);
  return lr;
}

export interface UpdateExtras {
  /** The parameters the updates will be applied to (for weight decay, Momo, MuonH). */
  readonly params: Params;
  /** The loss at these parameters, for methods that use it (Momo); a GPU scalar. */
  readonly loss?: Tensor;
}

export interface GradientTransformation<S = unknown> {
  init(params: Params): S;
  update(updates: Params, state: S, extras: UpdateExtras): Params;
  /** Optional fused path: params ← params + update(grads), in place, equal to update + applyUpdates. */
  fusedStep?(grads: Params, state: S, extras: UpdateExtras): void;
}

/** params[k] += updates[k], in place. */
export function applyUpdates(params: Params, updates: Params): void {
  for (const [name, u] of Object.entries(updates)) {
    const p = params[name];
    if (!p) throw new Error(`applyUpdates: no parameter named "${name}".`);
    mapInPlace({ name: 'apply-updates', body: 'out0 = out0 + in0;', inputs: [u], outputs: [p] });
  }
}

/** One optimizer step on `extras.params` in place: the fused path when offered, else update + apply. */
export function stepWith<S>(tx: GradientTransformation<S>, grads: Params, state: S, extras: UpdateExtras): void {
  if (tx.fusedStep) return tx.fusedStep(grads, state, extras);
  const updates = tx.update(grads, state, extras);
  applyUpdates(extras.params, updates);
  disposeAll(updates);
}

/** Zero tensors shaped like each parameter, kept alive across scopes (optimizer state). */
export function zerosLike(params: Params): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(params)) out[name] = zeros(p.shape).keep();
  return out;
}

/** Maps a function over named tensors. */
export function mapParams(params: Params, fn: (t: Tensor, name: string) => Tensor): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(params)) out[name] = fn(t, name);
  return out;
}

export function disposeAll(ts: Params): void {
  for (const t of Object.values(ts)) t.dispose();
}

/** The identity transformation (no state). */
export function identity(): GradientTransformation<null> {
  return { init: () => null, update: (u) => ({ ...u }) };
}

/** Validates a hyperparameter: a finite number in [min, max) (or a schedule, checked when used). */
export function checkHyper(name: string, value: ScalarOrSchedule, { min = -Infinity, max = Infinity, minInclusive = true } = {}): void {
  if (typeof value === 'function') return;
  const ok = Number.isFinite(value) && (minInclusive ? value >= min : value > min) && value < max;
  if (!ok) {
    const range = `${minInclusive ? '[' : '('}${min}, ${max})`;
    throw new RangeError(`${name} must be a finite number in ${range}, got ${value}.`);
  }
}
