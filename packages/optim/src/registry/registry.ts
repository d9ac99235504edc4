/**
 * The optimizer registry: every name a user can type, in one table. Each entry holds its factory,
 * its hyperparameters (a schema with ranges and documented defaults, learning rate excluded), which
 * parameters it accepts and whether it needs the loss. The CLI, the study, sweeps, the ladder and
 * the bench all read this table; nothing else lists optimizers.
 *
 * Matrix-only optimizers (Muon, Shampoo, MuonH) also appear as `<name>+adamw`: the thesis split,
 * hidden weight matrices to the named optimizer and everything else (embeddings, norms, vectors)
 * to AdamW with its own learning rate (default: the main one / 10, as in the thesis).
 */
import type { z } from 'zod';
import type { GradientTransformation, ScalarOrSchedule, Schedule } from '../base.js';
import { isMatrixShape, type MatrixKind } from '../partition-rule.js';
import { ADAGRAD, ADAM, ADAMW, ADEMAMIX, RMSPROP } from '../optimizers/adam.js';
import { LION } from '../optimizers/lion.js';
import { MOMO, MUON_MOMO, MUONMAX, MUONMAX_MOMO } from '../optimizers/momo.js';
import { MUON, MUONH, NORMUON } from '../optimizers/muon.js';
import { SHAMPOO, SOAP } from '../optimizers/shampoo.js';
import { MOMENTUM, NESTEROV, SGD, SIGNSGD, SIGNUM } from '../optimizers/sgd.js';
import { OptimizerOptionsError, type OptimizerSpec, type ParamKind } from './define.js';
import { formatIssues, real } from './fields.js';
import { KNOB_MAX, weightDecay } from './knobs.js';
import { matrixLabels, withAdamW } from './split.js';

export { matrixLabels, OptimizerOptionsError };
export type { OptimizerSpec, ParamKind };

/** A table keyed by each entry's own name. */
function byName<const T extends readonly OptimizerSpec[]>(...specs: T): { readonly [S in T[number] as S['name']]: S } {
  return Object.fromEntries(specs.map((s) => [s.name, s])) as { readonly [S in T[number] as S['name']]: S };
}

/** The base optimizers, by the name a user types. */
export const OPTIMIZERS = byName(
  SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW, ADEMAMIX, SIGNSGD, SIGNUM, LION, MUON, NORMUON, SHAMPOO, SOAP, MUONH, MOMO, MUONMAX, MUONMAX_MOMO, MUON_MOMO,
);

export type BaseOptimizerName = keyof typeof OPTIMIZERS;

/**
 * Optimizers a user's module added for this process only (`--optimizer-module`): found by name like
 * the built-ins, never replacing one.
 */
const ADDED = new Map<string, OptimizerSpec>();

/** The spec of a base name: a built-in, or one added for this process. */
const baseSpec = (name: string): OptimizerSpec | undefined => (Object.hasOwn(OPTIMIZERS, name) ? OPTIMIZERS[name as BaseOptimizerName] : ADDED.get(name));

/**
 * Adds optimizers (defineOptimizer entries) to the registry for this process. A name must be new:
 * a built-in (or its `+adamw` split) cannot be shadowed, and a name added before only by the same
 * entry. Throws OptimizerOptionsError naming the clash. Returns a function that removes them again.
 */
export function registerOptimizers(specs: readonly OptimizerSpec[]): () => void {
  for (const s of specs) {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(s.name)) throw new OptimizerOptionsError(`"${s.name}" is not a usable optimizer name: use lower-case letters, digits and "-" (at most 40).`);
    if (Object.hasOwn(OPTIMIZERS, s.name)) throw new OptimizerOptionsError(`"${s.name}" is a built-in optimizer and cannot be replaced: give yours another name.`);
    const before = ADDED.get(s.name);
    if (before && before !== s) throw new OptimizerOptionsError(`two optimizers are named "${s.name}": give one another name.`);
  }
  const added = specs.filter((s) => !ADDED.has(s.name));
  for (const s of added) ADDED.set(s.name, s);
  // Undoes this call (the names it added leave the registry).
  return () => added.forEach((s) => ADDED.delete(s.name));
}

/** The AdamW group's knobs in a `<matrix optimizer>+adamw` split. */
const hybridHyper = {
  adamwLearningRate: real('AdamW group learning rate (default: learning rate / 10)', { min: 0, minExclusive: true, max: KNOB_MAX }).optional(),
  adamwWeightDecay: weightDecay(0.1).describe('AdamW group weight decay (the thesis decays only this group)'),
};

const isMatrix = (kind: ParamKind): kind is MatrixKind => kind !== 'any';

export interface ResolvedOptimizer {
  readonly name: string;
  /** The base optimizer's name (a built-in, or one a module added). */
  readonly base: string;
  readonly spec: OptimizerSpec;
  /** `<matrix optimizer>+adamw`. */
  readonly hybrid: boolean;
  /** What the whole model may use: a hybrid or a non-matrix optimizer accepts any parameter. */
  readonly params: ParamKind;
  readonly hyper: z.ZodObject;
}

/** Every name a user can type: the base optimizers, then the `+adamw` splits of the matrix ones. */
export function optimizerNames(): string[] {
  const bases = [...Object.keys(OPTIMIZERS), ...ADDED.keys()];
  return [...bases, ...bases.filter((n) => isMatrix(baseSpec(n)!.params)).map((n) => `${n}+adamw`)];
}

/** The registry entry for `name`, or undefined. */
export function findOptimizer(name: string): ResolvedOptimizer | undefined {
  const hybrid = name.endsWith('+adamw');
  const base = hybrid ? name.slice(0, -'+adamw'.length) : name;
  const spec = baseSpec(base);
  if (!spec) return undefined;
  if (hybrid && !isMatrix(spec.params)) return undefined;
  return { name, base, spec, hybrid, params: hybrid ? 'any' : spec.params, hyper: hybrid ? spec.hyper.extend(hybridHyper) : spec.hyper };
}

/** The entry for `name`; an unknown name is an error that lists the known ones. */
export function resolveOptimizer(name: string): ResolvedOptimizer {
  const found = findOptimizer(name);
  if (!found) throw new OptimizerOptionsError(`Unknown optimizer "${name}". Known: ${optimizerNames().join(', ')}.`);
  return found;
}

/** The hyperparameters of `name` with every default filled in (validated; errors name the field and range). */
export function resolveHyper(name: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  const r = resolveOptimizer(name).hyper.safeParse(options);
  if (!r.success) throw new OptimizerOptionsError(`${name}: ${formatIssues(r.error, options)}`);
  return r.data;
}

/**
 * The transformation for `name` with `learningRate` and hyperparameters (defaults filled in,
 * validated). `multiplier`, if given, scales every learning rate of the optimizer per step (a
 * schedule with peak 1), the AdamW group's included.
 */
export function makeOptimizer(name: string, { learningRate, ...options }: { learningRate: number } & Record<string, unknown>, multiplier?: Schedule): GradientTransformation<any> {
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new OptimizerOptionsError(`${name}: learningRate must be a number > 0, got ${learningRate}.`);
  const r = resolveOptimizer(name);
  const hyper = resolveHyper(name, options);
  const at = (peak: number): ScalarOrSchedule => (multiplier ? (t: number) => peak * multiplier(t) : peak);
  const kind = r.spec.params;
  if (!r.hybrid || !isMatrix(kind)) return r.spec.build(at(learningRate), hyper); // a hybrid's base is a matrix optimizer (findOptimizer)
  const { adamwLearningRate, adamwWeightDecay, ...own } = hyper as { adamwLearningRate?: number; adamwWeightDecay: number };
  return withAdamW({
    name: r.base,
    kind,
    matrices: r.spec.build(at(learningRate), own),
    adamw: ADAMW.create({ learningRate: at(adamwLearningRate ?? learningRate / 10), weightDecay: adamwWeightDecay }),
  });
}

/** Why `name` cannot optimise a parameter of this name and shape, or undefined if it can. */
export function unsupportedParameter(name: string, param: string, shape: readonly number[]): string | undefined {
  const r = resolveOptimizer(name);
  if (!isMatrix(r.params) || isMatrixShape(shape, r.params)) return undefined;
  return `${name} is for weight matrices only, but "${param}" has shape [${shape.join(', ')}]: use ${r.base}+adamw (AdamW for the other parameters).`;
}
