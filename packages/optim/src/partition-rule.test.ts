/**
 * The hidden-matrix rule, and that every split that reads it (thesisLabels, the registry's
 * `+adamw` splits, MuonMax's Muon layers) draws the same line.
 */
import { describe, expect, it } from 'vitest';
import { zeros, type Tensor } from '@optimlab/tensor-wgpu';
import { muonMax, thesisLabels } from './alias.js';
import { isHiddenMatrix } from './partition-rule.js';
import { matrixLabels } from './registry/registry.js';

/** name, shape, hidden matrix for Muon-family optimizers ('matrices'), for Shampoo ('matrices2d'). */
const CASES: [string, number[], boolean, boolean][] = [
  ['blocks.0.attn.qkv.weight', [12, 4], true, true],
  ['blocks.0.moe.router.weight', [8, 4], true, true],
  ['blocks.0.moe.experts.w1', [8, 16, 4], true, false],
  ['embed.weight', [50, 4], false, false],
  ['lm_head.weight', [50, 4], false, false],
  ['blocks.0.norm1.weight', [4], false, false],
  ['h.bias', [4], false, false],
  ['h.conv', [2, 3, 4, 5], false, false],
];

describe('hidden-matrix rule', () => {
  it.each(CASES)('%s %j: matrices %s, matrices2d %s', (name, shape, matrices, matrices2d) => {
    expect(isHiddenMatrix(name, shape)).toBe(matrices);
    expect(isHiddenMatrix(name, shape, 'matrices2d')).toBe(matrices2d);
  });

  it('thesisLabels, the +adamw splits and MuonMax all follow it', () => {
    const params: Record<string, Tensor> = Object.fromEntries(CASES.map(([name, shape]) => [name, zeros(shape)]));
    const expected = CASES.filter(([, , matrices]) => matrices).map(([name]) => name);
    const labelled = (label: (name: string, p: Tensor) => string, matrix: string): string[] => CASES.map(([name]) => name).filter((n) => label(n, params[n]!) === matrix);
    expect(labelled(thesisLabels, 'muon')).toEqual(expected);
    expect(labelled(matrixLabels('muonh', 'matrices'), 'muonh')).toEqual(expected);
    const state = muonMax({ learningRate: 0.01 }).init(params);
    expect(state.muonNames).toEqual(expected);
    state.lossBar.dispose();
    expect(labelled(matrixLabels('shampoo', 'matrices2d'), 'shampoo')).toEqual(CASES.filter(([, , , only2d]) => only2d).map(([name]) => name));
    for (const p of Object.values(params)) p.dispose();
  });
});
