/**
 * Schema fields for hyperparameters and run settings: a number or integer with a documented range
 * and default, whose error names the range ("must be a number in [0, 1)"). Built on zod so a whole
 * config validates in one pass; shared by the optimizer registry and the run config.
 */
import { z } from 'zod';
import { showValue, truncate } from './show-value.js';

export interface Range {
  readonly min?: number;
  readonly max?: number;
  /** min is excluded (default: included). */
  readonly minExclusive?: boolean;
  /** max is excluded (default: included). */
  readonly maxExclusive?: boolean;
}

/** "in [0, 1)", "> 0", "≥ 1", or "" for no bounds. */
export function rangeText({ min, max, minExclusive = false, maxExclusive = false }: Range): string {
  if (min !== undefined && max !== undefined) return `in ${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
  if (min !== undefined) return `${minExclusive ? '>' : '≥'} ${min}`;
  if (max !== undefined) return `${maxExclusive ? '<' : '≤'} ${max}`;
  return '';
}

function bounded<T extends z.ZodNumber>(base: T, range: Range, what: string): T {
  const message = `must be ${what}${rangeText(range) ? ` ${rangeText(range)}` : ''}`;
  let s = base;
  if (range.min !== undefined) s = (range.minExclusive ? s.gt(range.min, { error: message }) : s.gte(range.min, { error: message })) as T;
  if (range.max !== undefined) s = (range.maxExclusive ? s.lt(range.max, { error: message }) : s.lte(range.max, { error: message })) as T;
  return s;
}

/** A finite number in `range`. */
export function real(description: string, range: Range = {}): z.ZodNumber {
  const what = 'a number';
  const message = `must be ${what}${rangeText(range) ? ` ${rangeText(range)}` : ''}`;
  return bounded(z.number({ error: message }).finite({ error: message }), range, what).describe(description);
}

/** An integer in `range`. */
export function integer(description: string, range: Range = {}): z.ZodNumber {
  const what = 'an integer';
  const message = `must be ${what}${rangeText(range) ? ` ${rangeText(range)}` : ''}`;
  return bounded(z.number({ error: message }).int({ error: message }), range, what).describe(description);
}

/** One of `values`. */
export function oneOf<const T extends readonly [string, ...string[]]>(description: string, values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` }).describe(description);
}

export function flag(description: string): z.ZodBoolean {
  return z.boolean({ error: 'must be true or false' }).describe(description);
}

/**
 * "optimizer.momentum: must be a number in [0, 1), got 1.5" for each issue (the first three, then
 * how many more), joined by "; ". Values, keys and paths are shown cut short (show-value.ts).
 */
export function formatIssues(error: z.ZodError, input: unknown, prefix = ''): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const path = [prefix, ...issue.path.map((p) => truncate(String(p), 30))].filter(Boolean).join('.');
    const message = issue.code === 'unrecognized_keys' ? `Unrecognized key${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.slice(0, 3).map((k) => JSON.stringify(truncate(k, 30))).join(', ')}${issue.keys.length > 3 ? ', …' : ''}` : truncate(issue.message, 200);
    const got = issue.code === 'unrecognized_keys' ? '' : `, got ${showValue(valueAt(input, issue.path))}`;
    return `${path ? `${path}: ` : ''}${message}${got}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

export interface FieldInfo {
  readonly description: string;
  /** undefined when the field has no default (required or optional). */
  readonly defaultValue: unknown;
  readonly optional: boolean;
}

const describedAs = (s: z.core.$ZodType): string | undefined => z.globalRegistry.get(s)?.description;

/** A field's description and default, looking through `.default()` / `.optional()` wrappers. */
export function fieldInfo(schema: z.core.$ZodType): FieldInfo {
  let s = schema;
  let defaultValue: unknown;
  let optional = false;
  let description = describedAs(s);
  for (;;) {
    if (s instanceof z.ZodDefault) defaultValue = s.def.defaultValue;
    else if (s instanceof z.ZodOptional) optional = true;
    else break;
    s = s.def.innerType;
    description ??= describedAs(s);
  }
  return { description: description ?? '', defaultValue, optional };
}
