/** chain (apply transformations in order) and partition (route parameters by label). */
import { applyUpdates, disposeAll, stepWith, type GradientTransformation, type Params, type UpdateExtras } from './base.js';
import { isElementwise, runElementwise, type ElementwiseState, type ElementwiseTransformation } from './transforms/elementwise-transform.js';

type States<T extends readonly GradientTransformation<unknown>[]> = { [K in keyof T]: T[K] extends GradientTransformation<infer S> ? S : never };

/**
 * Applies each transformation to the output of the previous one. Its fused step runs every stretch
 * of consecutive elementwise stages as one kernel, the last stretch adding straight into the
 * parameters; it is the same arithmetic as `update` + `applyUpdates`, stage by stage.
 */
export function chain<T extends readonly GradientTransformation<any>[]>(...txs: T): GradientTransformation<States<T>> {
  const hasElementwise = txs.some(isElementwise);
  return {
    init: (params) => txs.map((tx) => tx.init(params)) as unknown as States<T>,
    update: (updates, state, extras) => {
      let current = updates;
      txs.forEach((tx, i) => {
        const next = tx.update(current, (state as unknown[])[i], extras);
        if (current !== updates) disposeAll(current);
        current = next;
      });
      return current === updates ? { ...updates } : current;
    },
    ...(hasElementwise ? { fusedStep: (grads: Params, state: States<T>, extras: UpdateExtras) => fusedChainStep(txs, state as unknown[], grads, extras) } : {}),
  };
}

/** Storage buffers one fused kernel may bind: WebGPU's guaranteed maxStorageBuffersPerShaderStage. */
const MAX_BINDINGS = 8;

/** Consecutive stages split where one kernel would bind more than MAX_BINDINGS buffers (update, parameter, new update, state slots). */
function kernelsOf(stages: readonly ElementwiseTransformation[]): ElementwiseTransformation[][] {
  const kernels: ElementwiseTransformation[][] = [];
  let bindings = Infinity;
  for (const stage of stages) {
    const slots = stage.elementwise.state.length;
    if (bindings + slots > MAX_BINDINGS) {
      kernels.push([]);
      bindings = 3;
    }
    kernels[kernels.length - 1]!.push(stage);
    bindings += slots;
  }
  return kernels;
}

function fusedChainStep(txs: readonly GradientTransformation<any>[], states: unknown[], grads: Params, extras: UpdateExtras): void {
  let current = grads;
  const advance = (next: Params): void => {
    if (current !== grads) disposeAll(current);
    current = next;
  };
  for (let i = 0; i < txs.length; ) {
    let j = i;
    while (j < txs.length && isElementwise(txs[j]!)) j++;
    if (j === i) {
      advance(txs[i]!.update(current, states[i], extras));
      i++;
      continue;
    }
    let k = i;
    const kernels = kernelsOf(txs.slice(i, j).filter(isElementwise));
    for (const [n, stages] of kernels.entries()) {
      const last = j === txs.length && n === kernels.length - 1;
      const next = runElementwise(stages.map((s) => s.elementwise), states.slice(k, k + stages.length) as ElementwiseState[], current, extras.params, last);
      k += stages.length;
      if (last) {
        if (current !== grads) disposeAll(current);
        return;
      }
      advance(next!);
    }
    i = j;
  }
  applyUpdates(extras.params, current);
  if (current !== grads) disposeAll(current);
}

export type LabelFn = (name: string, param: Params[string]) => string;

export interface PartitionState {
  readonly labels: Readonly<Record<string, string>>;
  readonly inner: Readonly<Record<string, unknown>>;
}

function pick(all: Params, names: readonly string[]): Params {
  const out: Record<string, Params[string]> = {};
  for (const n of names) if (all[n]) out[n] = all[n];
  return out;
}

/** Routes each parameter to the transformation named by `label(name, param)`. */
export function partition(label: LabelFn, txs: Readonly<Record<string, GradientTransformation<any>>>): GradientTransformation<PartitionState> {
  const groups = (labels: Record<string, string>): Map<string, string[]> => {
    const by = new Map<string, string[]>();
    for (const [name, l] of Object.entries(labels)) by.set(l, [...(by.get(l) ?? []), name]);
    return by;
  };
  const sub = (extras: UpdateExtras, names: string[]): UpdateExtras => ({ ...extras, params: pick(extras.params, names) });
  return {
    init: (params) => {
      const labels: Record<string, string> = {};
      for (const [name, p] of Object.entries(params)) {
        const l = label(name, p);
        if (!txs[l]) throw new Error(`partition: parameter "${name}" got label "${l}", which has no transformation (have: ${Object.keys(txs).join(', ')}).`);
        labels[name] = l;
      }
      const inner: Record<string, unknown> = {};
      for (const [l, names] of groups(labels)) inner[l] = txs[l]!.init(pick(params, names));
      return { labels, inner };
    },
    update: (updates, state, extras) => {
      const out: Record<string, Params[string]> = {};
      for (const [l, names] of groups(state.labels as Record<string, string>)) {
        Object.assign(out, txs[l]!.update(pick(updates, names), state.inner[l], sub(extras, names)));
      }
      return out;
    },
    // Each group takes its own fastest path (fused kernel where its transformation has one).
    fusedStep: (grads, state, extras) => {
      for (const [l, names] of groups(state.labels as Record<string, string>)) {
        stepWith(txs[l]!, pick(grads, names), state.inner[l], sub(extras, names));
      }
    },
  };
}
