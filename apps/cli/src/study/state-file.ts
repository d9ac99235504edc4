/**
 * Reading study.json back: parsed by schema, so a file of `{}`, `null` or another shape is one line
 * naming the file and the field (exit code 2), never a TypeError deep in a report.
 */
import { z } from 'zod';
import { InputError } from '@optimlab/moe-model';
import { formatIssues } from '@optimlab/optim';
import { readJson } from '../context.js';
import { horizonSchema } from '../runs.js';
import type { StudyState } from './types.js';

const tags = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const studyStateSchema = z.looseObject({
  settings: z.looseObject({ study: z.string(), preset: z.string(), corpus: z.string(), tokenizer: z.string() }),
  seeds: z.number().int().min(1).max(1000).optional(),
  entries: z.array(z.looseObject({ phase: z.string(), label: z.string(), horizon: horizonSchema, seed: z.number().int(), tags, run: z.string() })),
  extensions: z.array(z.looseObject({ phase: z.string(), grid: z.string(), added: z.array(z.number()), reason: z.string() })),
  records: z.record(z.string(), z.unknown()).optional(),
});

/** The study folder's state from `file`, or an InputError naming what is wrong with it. */
export function readStudyState(file: string): StudyState {
  const value = readJson(file, 'The study’s');
  const parsed = studyStateSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${file} is not a study record (${formatIssues(parsed.error, value)}): restore it, or use another folder.`);
  return parsed.data as StudyState;
}
