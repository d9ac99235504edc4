/**
 * Every numeric field a user can set has an upper bound as well as a lower one (a config of
 * gradAccum 1e12 or vocabSize 1e15 is refused, never run): the model's fields and every
 * optimizer's hyperparameters by walking their schemas, the run config's own fields by trying.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPTIMIZERS, resolveOptimizer } from '@optimlab/optim';
import { moeConfigSchema } from './config.js';
import { resolveRunConfig } from './run-config.js';

/** Dotted paths of the numbers in `schema` that lack a finite lower or upper bound. */
function unbounded(schema: z.core.$ZodType, path: string): string[] {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.def.innerType;
  if (s instanceof z.ZodObject) return Object.entries(s.shape as Record<string, z.core.$ZodType>).flatMap(([k, v]) => unbounded(v, path ? `${path}.${k}` : k));
  if (s instanceof z.ZodNumber) return Number.isFinite(s.minValue) && Number.isFinite(s.maxValue) ? [] : [path];
  return [];
}

describe('upper bounds on every numeric field', () => {
  it('the model config', () => expect(unbounded(moeConfigSchema, 'model')).toEqual([]));

  it('every optimizer’s hyperparameters, +adamw splits included', () => {
    const names = [...Object.keys(OPTIMIZERS), 'muon+adamw', 'shampoo+adamw'];
    expect(names.flatMap((n) => unbounded(resolveOptimizer(n).hyper, n))).toEqual([]);
  });

  it('the run config: a huge value in any numeric field is refused, naming it and its range', () => {
    const huge = 1e15;
    const fields: [string, Record<string, unknown>][] = [
      ['steps', { steps: huge }], ['batchSize', { batchSize: huge }], ['gradAccum', { gradAccum: huge }], ['clip', { clip: huge }],
      ['evalEvery', { evalEvery: huge }], ['evalBatches', { evalBatches: huge }], ['checkpointEvery', { checkpointEvery: huge }],
      ['seed', { seed: huge }], ['divergence.window', { divergence: { window: huge } }], ['divergence.factor', { divergence: { factor: huge } }],
      ['optimizer.learningRate', { optimizer: { name: 'adamw', learningRate: huge } }], ['optimizer.warmupRatio', { optimizer: { name: 'adamw', warmupRatio: huge } }],
      ['optimizer.minLrRatio', { optimizer: { name: 'adamw', minLrRatio: huge } }], ['model.vocabSize', { model: { vocabSize: huge } }],
    ];
    for (const [field, patch] of fields) {
      const input = { preset: 'smoke', optimizer: { name: 'adamw' }, ...patch };
      expect(() => resolveRunConfig(input), field).toThrow(new RegExp(`^${field}: must be an? (number|integer) in [[(][-\\d.e]+, [\\d.e+]+[\\])], got 1000000000000000`));
    }
  });
});
