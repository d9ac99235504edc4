/**
 * Which parameters of the `cpu` model each registry optimizer that takes the whole model treats as
 * matrices (orthogonalises), read from the state the optimizer builds at init. Every Muon-family
 * optimizer draws the same line (@optimlab/optim partition-rule.ts): hidden 2-D weights and each
 * [m, n] slice of the 3-D expert stacks; Shampoo and SOAP (2-D only) leave the stacks to AdamW.
 */
import { describe, expect, it } from 'vitest';
import { zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { createOptimizer, findOptimizer, makeOptimizer, optimizerNames } from '@optimlab/optim';
import { PRESETS } from './presets.js';
import { parameterShapes } from './params.js';

type Group = 'matrix' | 'other';

/** One block of the `cpu` model: parameter → [shape, group under a Muon-family optimizer, under shampoo+adamw]. */
const cpuBlock = (b: number): Record<string, [number[], Group, Group]> => ({
  [`blocks.${b}.norm1.weight`]: [[64], 'other', 'other'],
  [`blocks.${b}.attn.qkv.weight`]: [[192, 64], 'matrix', 'matrix'],
  [`blocks.${b}.attn.wo.weight`]: [[64, 64], 'matrix', 'matrix'],
  [`blocks.${b}.norm2.weight`]: [[64], 'other', 'other'],
  [`blocks.${b}.moe.router.weight`]: [[8, 64], 'matrix', 'matrix'],
  [`blocks.${b}.moe.experts.w1`]: [[8, 256, 64], 'matrix', 'other'],
  [`blocks.${b}.moe.experts.w2`]: [[8, 64, 256], 'matrix', 'other'],
});

/** The `cpu` model, parameter → [shape, group under a Muon-family optimizer, group under shampoo+adamw]. */
const CPU_PARTITION: Record<string, [number[], Group, Group]> = {
  'embed.weight': [[1024, 64], 'other', 'other'], // tied with the LM head
  ...cpuBlock(0),
  ...cpuBlock(1),
  'norm.weight': [[64], 'other', 'other'],
};

/** Whole-model optimizers that orthogonalise: Muon-family (matrices and stacks), and Shampoo's 2-D-only split. */
const MUON_FAMILY = ['muon+adamw', 'normuon+adamw', 'muonh+adamw', 'muonmax', 'muonmax-momo', 'muon-momo'];
const TWO_D_ONLY = ['shampoo+adamw', 'soap+adamw'];

/** The parameters an optimizer's state routes to its matrix update: a `+adamw` split's non-AdamW group, MuonMax's Muon layers. */
function matrixGroup(state: unknown): string[] {
  const s = state as { labels?: Record<string, string>; muonNames?: readonly string[] };
  if (s.labels) return Object.keys(s.labels).filter((n) => s.labels![n] !== 'adamw');
  return [...(s.muonNames ?? [])];
}

describe('cpu model: which parameters each optimizer orthogonalises', () => {
  const wholeModel = optimizerNames().filter((n) => findOptimizer(n)!.params === 'any');

  it('the table lists the cpu model exactly', () => {
    expect(parameterShapes(PRESETS.cpu.model)).toEqual(Object.fromEntries(Object.entries(CPU_PARTITION).map(([n, [shape]]) => [n, shape])));
    expect(wholeModel).toEqual(expect.arrayContaining([...MUON_FAMILY, ...TWO_D_ONLY]));
  });

  it.each(wholeModel)('%s', (name) => {
    const params: Record<string, Tensor> = Object.fromEntries(Object.entries(CPU_PARTITION).map(([n, [shape]]) => [n, zeros(shape).keep()]));
    const opt = createOptimizer(makeOptimizer(name, { learningRate: 0.01 }), params);
    const column = MUON_FAMILY.includes(name) ? 1 : TWO_D_ONLY.includes(name) ? 2 : undefined;
    const expected = column === undefined ? [] : Object.keys(CPU_PARTITION).filter((n) => CPU_PARTITION[n]![column] === 'matrix');
    expect(matrixGroup(opt.state).sort()).toEqual(expected.sort());
    opt.dispose();
    for (const p of Object.values(params)) p.dispose();
  });
});
