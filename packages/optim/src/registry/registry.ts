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
import { z } from 'zod';
import type { GradientTransformation, ScalarOrSchedule, Schedule } from '../base.js';
import { partition, type LabelFn } from '../combine.js';
import { hiddenMatrixLabels, isMatrixShape, type MatrixKind } from '../partition-rule.js';
import * as alias from '../alias.js';
import { flag, formatIssues, integer, oneOf, real } from './fields.js';

/**
 * Which parameters an optimizer accepts: all, or matrices by partition-rule.ts: 2-D and 3-D stacks
 * of them ('matrices', every Muon-family optimizer) or 2-D only ('matrices2d', Shampoo).
 */
export type ParamKind = 'any' | MatrixKind;

export interface OptimizerSpec {
  readonly summary: string;
  /** The reference implementation's default learning rate (PyTorch, or the paper's code). */
  readonly learningRate: number;
  /** Paper or code the update rule follows (see shared/reference/optimizers.md). */
  readonly reference: string;
  /** Hyperparameters other than the learning rate; every field has a default. */
  readonly hyper: z.ZodObject;
  readonly params: ParamKind;
  /** The update uses the loss value (pass it to `Optimizer.step`). */
  readonly needsLoss: boolean;
  readonly make: (options: { learningRate: ScalarOrSchedule } & Record<string, unknown>) => GradientTransformation<any>;
}

const unit = (description: string, dflt: number) => real(description, { min: 0, max: 1, maxExclusive: true }).default(dflt);
const nonNegative = (description: string, dflt: number) => real(description, { min: 0 }).default(dflt);
const positive = (description: string, dflt: number) => real(description, { min: 0, minExclusive: true }).default(dflt);
const weightDecay = (dflt: number) => nonNegative('decoupled weight decay (θ ← θ − lr·wd·θ)', dflt);
const nsSteps = (dflt: number) => integer('Newton–Schulz iterations', { min: 1, max: 20 }).default(dflt);
const coefficients = (dflt: 'keller' | 'polarExpress' | 'dion') => oneOf('Newton–Schulz coefficients', ['keller', 'polarExpress', 'dion']).default(dflt);

const adamHyper = {
  b1: unit('first-moment EMA β1', 0.9),
  b2: unit('second-moment EMA β2', 0.999),
  eps: positive('ε added to √v̂', 1e-8),
};

/** The MuonMax family's knobs (GPT-opt's defaults: momentum 0.95, β2 0.95, Polar Express). */
const muonMaxHyper = {
  momentum: unit('momentum μ', 0.95),
  b2: unit('second-moment EMA β2 (non-matrix layers)', 0.95),
  eps: positive('ε', 1e-8),
  spectralScale: positive('spectral scale s', 1),
  nsSteps: nsSteps(5),
  coefficients: coefficients('polarExpress'),
  weightDecay: weightDecay(0),
};
const truncateLoss = () => real('loss lower bound f* for the Momo truncation').default(0);

const entry = (spec: Omit<OptimizerSpec, 'hyper' | 'needsLoss' | 'params'> & { hyper: z.ZodRawShape; params?: ParamKind; needsLoss?: boolean }): OptimizerSpec => ({
  params: 'any',
  needsLoss: false,
  ...spec,
  hyper: z.strictObject(spec.hyper),
});

/** The base optimizers, by the name a user types. */
export const OPTIMIZERS = {
  sgd: entry({ learningRate: 1e-3, summary: 'plain gradient descent', reference: 'Robbins & Monro 1951', hyper: { weightDecay: weightDecay(0) }, make: (o) => alias.sgd(o as never) }),
  momentum: entry({
    learningRate: 1e-3,
    summary: 'heavy-ball momentum (PyTorch SGD, dampening 0)',
    reference: 'Polyak 1964',
    hyper: { momentum: unit('momentum μ', 0.9), nesterov: flag('Nesterov look-ahead').default(false), weightDecay: weightDecay(0) },
    make: (o) => alias.momentum(o as never),
  }),
  nesterov: entry({ learningRate: 1e-3, summary: 'Nesterov momentum', reference: 'Nesterov 1983; Sutskever et al. 2013', hyper: { momentum: unit('momentum μ', 0.9), weightDecay: weightDecay(0) }, make: (o) => alias.nesterov(o as never) }),
  adagrad: entry({
    learningRate: 1e-2,
    summary: 'AdaGrad, PyTorch form',
    reference: 'Duchi et al. 2011',
    hyper: { eps: positive('ε added to √Σg²', 1e-10), initialAccumulator: nonNegative('initial Σg²', 0) },
    make: (o) => alias.adagrad(o as never),
  }),
  rmsprop: entry({ learningRate: 1e-2, summary: 'RMSProp, PyTorch form', reference: 'Tieleman & Hinton 2012', hyper: { decay: unit('EMA α of g²', 0.99), eps: positive('ε added to √v', 1e-8) }, make: (o) => alias.rmsprop(o as never) }),
  adam: entry({ learningRate: 1e-3, summary: 'Adam (no weight decay)', reference: 'Kingma & Ba 2015', hyper: adamHyper, make: (o) => alias.adam(o as never) }),
  adamw: entry({ learningRate: 1e-3, summary: 'AdamW, decoupled weight decay', reference: 'Loshchilov & Hutter 2019', hyper: { ...adamHyper, weightDecay: weightDecay(0.01) }, make: (o) => alias.adamw(o as never) }),
  signsgd: entry({ learningRate: 1e-3, summary: 'signSGD: θ ← θ − lr·sign(g)', reference: 'Bernstein et al. 2018', hyper: { weightDecay: weightDecay(0) }, make: (o) => alias.signSgd(o as never) }),
  signum: entry({ learningRate: 1e-3, summary: 'sign of EMA momentum', reference: 'Bernstein et al. 2018', hyper: { momentum: unit('momentum μ', 0.9), weightDecay: weightDecay(0) }, make: (o) => alias.signum(o as never) }),
  lion: entry({
    learningRate: 1e-4,
    summary: 'Lion: sign of interpolated momentum',
    reference: 'Chen et al. 2023',
    hyper: { b1: unit('interpolation β1', 0.9), b2: unit('momentum β2', 0.99), weightDecay: weightDecay(0) },
    make: (o) => alias.lion(o as never),
  }),
  muon: entry({
    learningRate: 0.02,
    summary: 'Muon: EMA momentum, Newton–Schulz orthogonalisation, shape scale (matrices only)',
    reference: 'Jordan et al. 2024 (KellerJordan/Muon)',
    params: 'matrices',
    hyper: {
      momentum: unit('EMA momentum β', 0.95),
      nesterov: flag('Nesterov look-ahead').default(true),
      nsSteps: nsSteps(5),
      coefficients: coefficients('keller'),
      scale: oneOf('update scale: √max(1, rows/cols), 0.2·√max(rows, cols), or 1', ['original', 'matchAdamW', 'none']).default('original'),
      weightDecay: weightDecay(0),
    },
    make: (o) => alias.muon(o as never),
  }),
  shampoo: entry({
    learningRate: 0.1,
    summary: 'Shampoo, practical form with heavy-ball momentum (2-D matrices only)',
    reference: 'Gupta, Koren & Singer 2018',
    params: 'matrices2d',
    hyper: {
      beta: unit('EMA of the statistics', 0.95),
      momentum: unit('heavy-ball momentum', 0.9),
      eps: positive('ridge before the inverse root', 1e-4),
      updateEvery: integer('recompute the inverse roots every this many steps', { min: 1 }).default(1),
      rootIterations: integer('coupled-Newton iterations per root', { min: 1, max: 100 }).default(30),
    },
    make: (o) => alias.shampoo(o as never),
  }),
  muonh: entry({
    learningRate: 0.02,
    summary: 'MuonH: Muon on the Frobenius sphere of the initial weights, one sphere per matrix (matrices only)',
    reference: 'Wen et al. 2025',
    params: 'matrices',
    hyper: { momentum: unit('heavy-ball momentum', 0.9), nsSteps: nsSteps(5), coefficients: coefficients('keller') },
    make: (o) => alias.muonH(o as never),
  }),
  momo: entry({
    learningRate: 1,
    summary: 'Momo: model-based momentum truncated by the loss',
    reference: 'Schaipp et al. 2023',
    needsLoss: true,
    hyper: { beta: unit('momentum β', 0.9), lowerBound: real('lower bound f* on the loss').default(0) },
    make: (o) => alias.momo(o as never),
  }),
  muonmax: entry({
    learningRate: 0.01,
    summary: 'MuonMax: Muon for hidden matrices, Adam-style for the rest, steps scaled by the dual norm',
    reference: 'Crawshaw, Modi, Liu & Gower 2025 (arXiv:2510.09827)',
    hyper: muonMaxHyper,
    make: (o) => alias.muonMax(o as never),
  }),
  'muonmax-momo': entry({
    learningRate: 0.01,
    summary: 'MuonMax with Momo truncation of the step by the loss',
    reference: 'Crawshaw, Modi, Liu & Gower 2025 (arXiv:2510.09827)',
    needsLoss: true,
    hyper: { ...muonMaxHyper, truncateLoss: truncateLoss() },
    make: (o) => alias.muonMaxMomo(o as never),
  }),
  'muon-momo': entry({
    learningRate: 0.01,
    summary: 'Muon-Momo: LMO steps (polar on hidden matrices, sign elsewhere) truncated by Momo',
    reference: 'Crawshaw, Modi, Liu & Gower 2025 (arXiv:2510.09827; GPT-opt muon-momo)',
    needsLoss: true,
    hyper: { momentum: muonMaxHyper.momentum, spectralScale: muonMaxHyper.spectralScale, nsSteps: nsSteps(5), coefficients: coefficients('polarExpress'), weightDecay: weightDecay(0), truncateLoss: truncateLoss() },
    make: (o) => alias.muonMomo(o as never),
  }),
} as const satisfies Record<string, OptimizerSpec>;

export type BaseOptimizerName = keyof typeof OPTIMIZERS;

/** The AdamW group's knobs in a `<matrix optimizer>+adamw` split. */
const hybridHyper = {
  adamwLearningRate: real('AdamW group learning rate (default: learning rate / 10)', { min: 0, minExclusive: true }).optional(),
  adamwWeightDecay: weightDecay(0.1).describe('AdamW group weight decay (the thesis decays only this group)'),
};

const isMatrix = (kind: ParamKind): kind is MatrixKind => kind !== 'any';

/** The thesis split for a matrix optimizer: its hidden matrices (partition-rule.ts) to it, everything else to 'adamw'. */
export function matrixLabels(name: string, kind: MatrixKind): LabelFn {
  return hiddenMatrixLabels({ matrix: name, other: 'adamw', kind });
}

export interface ResolvedOptimizer {
  readonly name: string;
  readonly base: BaseOptimizerName;
  readonly spec: OptimizerSpec;
  /** `<matrix optimizer>+adamw`. */
  readonly hybrid: boolean;
  /** What the whole model may use: a hybrid or a non-matrix optimizer accepts any parameter. */
  readonly params: ParamKind;
  readonly hyper: z.ZodObject;
}

/** Every name a user can type: the base optimizers, then the `+adamw` splits of the matrix ones. */
export function optimizerNames(): string[] {
  const bases = Object.keys(OPTIMIZERS) as BaseOptimizerName[];
  return [...bases, ...bases.filter((n) => isMatrix(OPTIMIZERS[n].params)).map((n) => `${n}+adamw`)];
}

/** The registry entry for `name`, or undefined. */
export function findOptimizer(name: string): ResolvedOptimizer | undefined {
  const hybrid = name.endsWith('+adamw');
  const base = (hybrid ? name.slice(0, -'+adamw'.length) : name) as BaseOptimizerName;
  if (!Object.hasOwn(OPTIMIZERS, base)) return undefined;
  const spec: OptimizerSpec = OPTIMIZERS[base];
  if (hybrid && !isMatrix(spec.params)) return undefined;
  return { name, base, spec, hybrid, params: hybrid ? 'any' : spec.params, hyper: hybrid ? spec.hyper.extend(hybridHyper) : spec.hyper };
}

export class OptimizerOptionsError extends Error {
  override name = 'OptimizerOptionsError';
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
  if (!r.hybrid) return r.spec.make({ ...hyper, learningRate: at(learningRate) });
  const { adamwLearningRate, adamwWeightDecay, ...own } = hyper as { adamwLearningRate?: number; adamwWeightDecay: number };
  return partition(matrixLabels(r.base, r.spec.params as MatrixKind), { // a hybrid's base is a matrix optimizer (findOptimizer)
    [r.base]: r.spec.make({ ...own, learningRate: at(learningRate) }),
    adamw: alias.adamw({ learningRate: at(adamwLearningRate ?? learningRate / 10), weightDecay: adamwWeightDecay }),
  });
}

/** Why `name` cannot optimise a parameter of this name and shape, or undefined if it can. */
export function unsupportedParameter(name: string, param: string, shape: readonly number[]): string | undefined {
  const r = resolveOptimizer(name);
  if (!isMatrix(r.params) || isMatrixShape(shape, r.params)) return undefined;
  return `${name} is for weight matrices only, but "${param}" has shape [${shape.join(', ')}]: use ${r.base}+adamw (AdamW for the other parameters).`;
}
