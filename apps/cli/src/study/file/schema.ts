/**
 * The study file's format, as one zod schema: what a researcher writes to ask their own question
 * (`optimlab study run FILE`). It names the preset, the data, the contestants (registry names or a
 * module's, fixed knobs, the knobs to tune with their alternatives, where the LR search starts), the
 * tuning budget, the seeds and horizons, and the questions, of kinds the engine knows. Published as
 * JSON Schema (study-file.schema.json, generated from this) so that editors complete and check it.
 * Checks that need the registry (knobs an optimizer has) are in validate.ts.
 */
import { z } from 'zod';
import { moeConfigSchema, PRESET_NAMES } from '@optimlab/moe-model';
import { MIN_SEEDS } from '../stats.js';
import { DEFAULT_THRESHOLDS } from '../width-claims.js';

const id = (what: string) => z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, `${what} is lower-case letters, digits and "-" (at most 40), starting with a letter`).describe(what);
const positive = (what: string) => z.number().positive().describe(what);
const count = (what: string, max: number) => z.number().int().min(1).max(max).describe(what);
const horizon = z.union([z.enum(['short', 'long']), z.number().int().min(1).max(100_000)]).describe("'short' or 'long' (the preset's study horizons), or a number of optimizer steps");

/** A learning-rate search start: a range of the lattice (inclusive), or a center and a point count. */
const lrStart = z
  .union([
    z.strictObject({ from: positive('lowest learning rate of the first grid'), to: positive('highest learning rate of the first grid') }),
    z.strictObject({ center: positive('learning rate the first grid is centred on'), points: count('points of the first grid', 15).default(5) }),
  ])
  .describe('where the learning-rate search starts: { from, to } on the lattice, or { center, points }');

const knobValue = z.union([z.number(), z.string(), z.boolean()]);

/** Tolerances of an lr-sensitivity question: LR widths are measured, and claims judged, within each % of the best loss. */
const thresholds = z
  .array(z.number().positive().max(100))
  .min(1)
  .max(5)
  .refine((ts) => ts.every((t, i) => i === 0 || t > ts[i - 1]!), 'must be strictly increasing, e.g. [1, 2, 5]')
  .describe(`tolerances in % of the best loss (1 to 5 values in (0, 100], increasing; default [${DEFAULT_THRESHOLDS.join(', ')}]): LR widths within each, claims judged at each, the grid followed out to the largest`);

export const contestantSchema = z.strictObject({
  key: id('the contestant’s key (questions name it)'),
  name: z.string().min(1).max(80).optional().describe('its name in the report (default: the key)'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color is #rrggbb').optional().describe('its color in plots'),
  optimizer: z
    .looseObject({ name: z.string().min(1).describe('a registry name, or one from optimizerModule') })
    .describe('the run config’s optimizer without a learning rate: name, schedule, fixed hyperparameters'),
  lr: lrStart,
  adamwRatio: z.number().positive().max(1).optional().describe('in a +adamw split: the AdamW group’s learning rate as this fraction of the main one'),
  tune: z
    .record(z.string(), z.array(knobValue).min(1, 'is empty: list at least one alternative value'))
    .optional()
    .describe('knobs to tune after the learning rate, in order: each with the alternatives to try against the fixed value ("schedule" gets its own learning rate per alternative)'),
});
export type ContestantFile = z.output<typeof contestantSchema>;

const questionText = z.string().min(1).max(200).optional().describe('how the report asks it');
const sectionTitle = z.string().min(1).max(200).optional().describe('the report section’s heading (default: the question)');
const reference = z.string().min(1).max(300).optional().describe('the published finding it checks, for the verdict table');

const question = <const K extends string, const F extends z.ZodRawShape>(kind: K, fields: F, description: string) =>
  z.strictObject({ kind: z.literal(kind), question: questionText, reference, ...fields }).describe(description);

const questionSchema = z.discriminatedUnion('kind', [
  question(
    'final-comparison',
    {
      contestant: id('the contestant'),
      baseline: id('what it is compared with'),
      title: sectionTitle,
      // Optional, not defaulted here: a default would enter the parsed file, and with it the hash that ties study folders.
      minPairs: z.int().min(MIN_SEEDS).max(1000).optional().describe(`seed pairs a verdict needs (default and least ${MIN_SEEDS}; fewer give "inconclusive")`),
    },
    'the tuned contestant against the tuned baseline at the tuning horizon, on fresh seeds, as seed pairs',
  ),
  question(
    'token-speedup',
    { contestant: id('the contestant'), baseline: id('the baseline whose loss-vs-tokens curve is fitted'), title: sectionTitle },
    'how many times fewer tokens the tuned contestant needs to reach the tuned baseline’s loss (a power law fitted over 4 budgets of the baseline)',
  ),
  question(
    'lr-sensitivity',
    {
      id: id('its phase name').default('grids'),
      contestants: z.array(id('a contestant')).min(1).describe('contestants swept over the common lattice at their fixed knobs'),
      horizon: horizon.default('short'),
      // Optional rather than defaulted: a default would enter the parsed file, and with it the hash that ties existing study folders.
      thresholds: thresholds.optional(),
      wider: z.array(z.strictObject({ contestant: id('the contestant'), baseline: id('the other'), question: questionText, reference })).default([]).describe('claims "contestant tolerates a wider LR range than baseline", judged at each threshold'),
      nearBest: z.array(z.strictObject({ contestant: id('the contestant'), question: questionText, reference })).default([]).describe('claims "contestant reaches the best or near-best (within 1%) loss"'),
    },
    'the loss-vs-LR curve of each contestant over seeds (until bracketed, a window around the optimum, out to its range at the largest threshold): LR widths at each threshold',
  ),
  question(
    'one-factor',
    {
      id: id('its phase name').default('one-factor'),
      contestant: id('the contestant'),
      change: z.record(z.string(), knobValue).refine((c) => Object.keys(c).length > 0, 'names no knob: give at least one').describe('the knobs changed'),
      label: z.string().min(1).max(40).describe('what the change is called in tables, e.g. "f* 2"'),
      baselineLabel: z.string().min(1).max(40).default('as is').describe('what the unchanged config is called, e.g. "f* 0"'),
      columns: z.tuple([z.string().min(1).max(40), z.string().min(1).max(40)]).optional().describe('the table’s headers for the changed and the unchanged runs (default: the labels)'),
      at: z.array(z.enum(['best', 'top', 'tuned'])).min(1).default(['tuned']).describe("where: the tuned config ('tuned'), or the best or highest learning rate of the contestant's lr-sensitivity grid"),
      group: id('the tag its runs carry').optional(),
      title: z.string().min(1).max(200).optional(),
      note: z.string().max(2000).optional().describe('a paragraph under its table'),
    },
    'one knob changed from a point of the contestant’s grid or its tuned config, on the same seeds, as seed pairs',
  ),
]);
export type QuestionFile = z.output<typeof questionSchema>;
export const QUESTION_KINDS = ['final-comparison', 'token-speedup', 'lr-sensitivity', 'one-factor'] as const;

export const tuningSchema = z.strictObject({
  seeds: count('tuning seeds (1000 onwards): every choice is made on their mean', 10).default(3),
  horizon: horizon.default('long'),
  perDecade: count('points per decade of the LR lattice', 12).default(4),
  maxExtensions: z.number().int().min(0).max(10).default(3).describe('grid points added at most while the best LR is on an edge'),
  maxAlternatives: z.number().int().min(1).max(20).optional().describe('at most this many alternatives per knob (a thin plan, e.g. for smoke)'),
  balance: z.boolean().default(true).describe('top up the side with fewer tuning runs to within 10% of the other'),
});

export const gridSchema = z.strictObject({
  perDecade: count('points per decade of the common lattice', 12).default(4),
  window: z.number().int().min(0).max(12).default(3).describe('lattice steps either side of each optimum'),
  edgeSteps: z.number().int().min(0).max(10).default(2).describe('lattice steps past the window while the range at the largest threshold reaches an edge'),
  maxExtensions: z.number().int().min(0).max(12).default(6).describe('points added at most until the optimum is bracketed'),
});

/** What a preset may change (e.g. a thin plan for smoke). */
const presetOverrides = z.strictObject({
  seeds: count('fresh seeds of the final comparisons', 50).optional(),
  tuning: tuningSchema.partial().optional(),
  grid: gridSchema.partial().optional(),
});

export const studyFileSchema = z
  .strictObject({
    $schema: z.string().optional().describe('the JSON Schema, for editors'),
    name: id('the study’s name (its folder is runs/<date>_<name>-<preset>)'),
    title: z.string().min(1).max(200).describe('the report’s title'),
    summary: z.string().min(1).max(300).optional().describe('one line about it'),
    introduction: z.string().max(4000).optional().describe('what the report says the study is (markdown; {preset}, {short}, {long}, {seeds} are filled in)'),
    threats: z.array(z.string().min(1).max(2000)).default([]).describe('what the evidence cannot carry, beyond what the engine finds (markdown bullets; placeholders as in introduction, and {window}, {edgeSteps})'),
    protocol: z.number().int().min(1).default(1).describe('raise it when the plan changes: a folder made under another version is refused'),
    preset: z.enum(PRESET_NAMES as [string, ...string[]]).optional().describe('model, batch and horizons (default: cpu on a software adapter, thesis on a GPU; --preset overrides)'),
    model: moeConfigSchema.partial().optional().describe('model fields that differ from the preset’s (dModel, nLayers, numExperts, …)'),
    corpus: z.string().min(1).optional().describe('a .txt/.jsonl file or a folder, relative to this file (default: the embedded SOTU corpus)'),
    tokenizer: z.string().min(1).optional().describe("'bpe' (default), 'gpt2', or a tokenizer.json path relative to this file"),
    optimizerModule: z.string().min(1).optional().describe('a .ts or .js module of yours exporting defineOptimizer entries, relative to this file'),
    seeds: count('fresh seeds (2000 onwards) of the final comparisons and checks', 50).default(5),
    tuning: tuningSchema.prefault({}),
    grid: gridSchema.prefault({}).describe('the lattice of lr-sensitivity questions'),
    byPreset: z.partialRecord(z.enum(PRESET_NAMES as [string, ...string[]]), presetOverrides).default({}).describe('settings that differ on a preset (e.g. fewer seeds on smoke)'),
    contestants: z.array(contestantSchema).min(1),
    questions: z.array(questionSchema).min(1),
  })
  .describe('An optimlab study: contestants, how they are tuned, and the questions asked of them.');
export type StudyFile = z.output<typeof studyFileSchema>;

/** The JSON Schema of the study file (what editors read), from the zod schema. */
export function studyFileJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(studyFileSchema, { io: 'input', target: 'draft-2020-12' }), title: 'optimlab study file' };
}
