/**
 * `defineOptimizer`: one optimizer, written once. The entry's hyperparameter schema (zod) is the
 * option type of its factory, inferred, with each default stated once in the schema; `create`
 * validates a user's options against it and fills the defaults, so the function a library user
 * calls (`adamw({ learningRate })`) and the registry entry the CLI reads are the same thing.
 */
import { z } from 'zod';
import type { GradientTransformation, ScalarOrSchedule } from '../base.js';
import type { MatrixKind } from '../partition-rule.js';
import { formatIssues } from './fields.js';

/**
 * Which parameters an optimizer accepts: all, or matrices by partition-rule.ts: 2-D and 3-D stacks
 * of them ('matrices', every Muon-family optimizer) or 2-D only ('matrices2d', Shampoo, SOAP).
 */
export type ParamKind = 'any' | MatrixKind;

export class OptimizerOptionsError extends Error {
  override name = 'OptimizerOptionsError';
}

/** What a factory receives: every hyperparameter with its default filled in, and the learning rate. */
export type Resolved<H extends z.ZodRawShape> = z.output<z.ZodObject<H>> & { readonly learningRate: ScalarOrSchedule };
/** What a user passes: the learning rate and any hyperparameters (the rest take their defaults). */
export type Options<H extends z.ZodRawShape> = z.input<z.ZodObject<H>> & { readonly learningRate: ScalarOrSchedule };

export interface OptimizerDefinition<N extends string, H extends z.ZodRawShape, S = any> {
  /** The name a user types. */
  readonly name: N;
  readonly summary: string;
  /** The reference implementation's default learning rate (PyTorch, or the paper's code). */
  readonly learningRate: number;
  /** Paper or code the update rule follows (see shared/reference/optimizers.md). */
  readonly reference: string;
  /** Hyperparameters other than the learning rate; every field has a default. */
  readonly hyper: H;
  readonly params?: ParamKind;
  /** The update uses the loss value (pass it to `Optimizer.step`). */
  readonly needsLoss?: boolean;
  /** The transformation, from resolved options. */
  readonly make: (options: Resolved<H>) => GradientTransformation<S>;
}

/** A registry entry: its definition, the schema built from it, and `create` (validating factory). */
export interface OptimizerSpec<N extends string = string, H extends z.ZodRawShape = z.ZodRawShape, S = any> {
  readonly name: N;
  readonly summary: string;
  readonly learningRate: number;
  readonly reference: string;
  readonly hyper: z.ZodObject<H>;
  readonly params: ParamKind;
  readonly needsLoss: boolean;
  /** Validates the hyperparameters (errors name the field and its range), fills defaults, builds. */
  readonly create: (options: Options<H>) => GradientTransformation<S>;
  /** Builds from options of unknown shape (CLI, configs): validated exactly as `create`. */
  readonly build: (learningRate: ScalarOrSchedule, options: Readonly<Record<string, unknown>>) => GradientTransformation<S>;
}

export function defineOptimizer<const N extends string, const H extends z.ZodRawShape, S>(definition: OptimizerDefinition<N, H, S>): OptimizerSpec<N, H, S> {
  const hyper = z.strictObject(definition.hyper);
  const build = (learningRate: ScalarOrSchedule, options: Readonly<Record<string, unknown>>): GradientTransformation<S> => {
    const parsed = hyper.safeParse(options);
    if (!parsed.success) throw new OptimizerOptionsError(`${definition.name}: ${formatIssues(parsed.error, options)}`);
    return definition.make({ ...parsed.data, learningRate });
  };
  return {
    name: definition.name,
    summary: definition.summary,
    learningRate: definition.learningRate,
    reference: definition.reference,
    hyper,
    params: definition.params ?? 'any',
    needsLoss: definition.needsLoss ?? false,
    create: ({ learningRate, ...options }) => build(learningRate, options),
    build,
  };
}
