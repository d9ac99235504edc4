import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { randomArray } from '../../test/random.js';
import { tensor } from '../../creation.js';
import { BINARY, UNARY, binary, broadcastTo, compare, unary, where } from './elementwise.js';
import { BINARY_REF, broadcastRef, unaryRef } from './elementwise.ref.js';
import type { BinaryFn, UnaryFn } from './elementwise.js';

// Inputs kept where every function is smooth: positive for log/sqrt/rsqrt/pow.
const POSITIVE = new Set<UnaryFn>(['log', 'sqrt', 'rsqrt', 'powScalar']);
const P: Partial<Record<UnaryFn, number>> = { scale: -1.7, shift: 0.3, powScalar: 1.5 };

describe('unary ops', () => {
  it('match hand values', async () => {
    const y = unary('relu', tensor([-1, 0, 2]));
    expect(Array.from(await y.read())).toEqual([0, 0, 2]);
  });
  // 37 elements: not a multiple of the vec4 width.
  it.each(Object.keys(UNARY) as UnaryFn[])('%s: GPU vs float64 reference and its VJP', async (fn) => {
    const data = randomArray(37, 7, POSITIVE.has(fn) ? 0.2 : -2, 2);
    await checkOp({
      inputs: [{ shape: [37], data }],
      gpu: ([x]) => unary(fn, x!, P[fn] ?? 0),
      ref: ([x]) => unaryRef(fn, x!, P[fn] ?? 0),
      grad: fn !== 'sign',
    });
  });
});

describe('binary ops with broadcasting', () => {
  const cases: [string, number[], number[]][] = [
    ['same shape', [5, 7], [5, 7]],
    ['row vector', [5, 7], [7]],
    ['column', [3, 5, 1], [5, 7]],
    ['scalar', [], [4, 3]],
    ['per-matrix scalar (merged to 2 dims)', [3, 4, 5], [3, 1, 1]],
    ['size-1 dims in the output', [2, 1, 3, 1, 4], [1, 1, 3, 1, 1]],
    ['rank 4 after merging (the general kernel)', [2, 3, 4, 5], [2, 1, 4, 1]],
    ['inner dim over one workgroup', [3, 70], [70]],
  ];
  for (const fn of Object.keys(BINARY) as BinaryFn[]) {
    it.each(cases)(`${fn}: %s`, async (_name, sa, sb) => {
      const positive = fn === 'pow' || fn === 'div';
      const na = sa.reduce((a, b) => a * b, 1);
      const nb = sb.reduce((a, b) => a * b, 1);
      await checkOp({
        inputs: [
          { shape: sa, data: randomArray(na, 3, positive ? 0.5 : -1, 1.5) },
          { shape: sb, data: randomArray(nb, 4, positive ? 0.5 : -1, 1.5) },
        ],
        gpu: ([a, b]) => binary(fn, a!, b!),
        ref: ([a, b]) => broadcastRef(BINARY_REF[fn], [{ data: a!, shape: sa }, { data: b!, shape: sb }]),
      });
    });
  }
});

describe('where, compare, broadcastTo', () => {
  it('where picks by condition and routes gradients', async () => {
    const cond = [1, 0, 1, 0, 0, 1];
    await checkOp({
      inputs: [{ shape: [2, 3], data: cond, constant: true }, { shape: [2, 3] }, { shape: [3] }],
      gpu: ([c, a, b]) => where(c!, a!, b!),
      ref: ([c, a, b]) => broadcastRef((cv, av, bv) => (cv !== 0 ? av! : bv!), [{ data: c!, shape: [2, 3] }, { data: a!, shape: [2, 3] }, { data: b!, shape: [3] }]),
    });
  });
  it('compare gives 0/1', async () => {
    const y = compare('gt', tensor([1, 2, 3]), tensor([2]));
    expect(Array.from(await y.read())).toEqual([0, 0, 1]);
  });
  it('broadcastTo sums its gradient back', async () => {
    await checkOp({
      inputs: [{ shape: [3, 1] }],
      gpu: ([x]) => broadcastTo(x!, [2, 3, 4]),
      ref: ([x]) => broadcastRef((v) => v!, [{ data: x!, shape: [3, 1] }, { data: new Float64Array(24), shape: [2, 3, 4] }]),
    });
  });
});

