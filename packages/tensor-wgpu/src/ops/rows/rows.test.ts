import { describe, expect, it } from 'vitest';
import { checkOp } from '../../test/gradcheck.js';
import { tensor } from '../../creation.js';
import { embedding, gatherRows, scatterAddRows } from './rows.js';
import { gatherRowsRef, scatterAddRowsRef } from './rows.ref.js';

// Repeated and out-of-range indices: the scatter must add, and skip.
const IDX = [3, 0, 3, 5, 1, -1, 3, 9];

describe('gather / scatter rows', () => {
  it('gatherRows (embedding backward = scatter-add) vs reference', async () => {
    await checkOp({
      inputs: [{ shape: [6, 5] }, { shape: [8], data: IDX, int: true }],
      gpu: ([x, i]) => gatherRows(x!, i!),
      ref: ([x, i]) => gatherRowsRef(x!, 6, 5, i!),
    });
  });
  it('scatterAddRows vs reference, VJP = gather', async () => {
    await checkOp({
      inputs: [{ shape: [8, 3] }, { shape: [8], data: IDX, int: true }],
      gpu: ([s, i]) => scatterAddRows(s!, i!, 7),
      ref: ([s, i]) => scatterAddRowsRef(s!, 3, i!, 7),
    });
  });
  it.each([
    [4, 7],
    [8, 20], // more column groups than one workgroup, and row stripes
    [64, 3],
  ])('scatterAddRows in vec4 columns (C = %i, %i rows) vs reference, VJP = gather', async (C, rows) => {
    const idx = Array.from({ length: 40 }, (_, m) => ((m * 7) % (rows + 2)) - 1); // repeats, -1 and rows past the end
    await checkOp({
      inputs: [{ shape: [40, C] }, { shape: [40], data: idx, int: true }],
      gpu: ([s, i]) => scatterAddRows(s!, i!, rows),
      ref: ([s, i]) => scatterAddRowsRef(s!, C, i!, rows),
      grad: C * 40 < 1000,
    });
  });
  it.each([
    [3, 5], // scalar scatter
    [8, 4], // vec4 scatter
  ])('with an index divisor (slot ids token·k + choice, k = 3), C = %i: gather and scatter vs reference, VJP', async (C, tokens) => {
    const k = 3;
    const slots = [7, 0, 14, 2, 9, 5, 1, -1, 11, 3, 13, 15]; // slot 15 is past the last token: dropped
    await checkOp({
      inputs: [{ shape: [tokens, C] }, { shape: [slots.length], data: slots, int: true }],
      gpu: ([x, i]) => gatherRows(x!, i!, { divisor: k }),
      ref: ([x, i]) => gatherRowsRef(x!, tokens, C, i!, k),
    });
    await checkOp({
      inputs: [{ shape: [slots.length, C] }, { shape: [slots.length], data: slots, int: true }],
      gpu: ([s, i]) => scatterAddRows(s!, i!, tokens, { divisor: k }),
      ref: ([s, i]) => scatterAddRowsRef(s!, C, i!, tokens, k),
    });
    expect(() => gatherRows(tensor([1], [1, 1]), tensor([0], [1], 'i32'), { divisor: 0 })).toThrow(/divisor must be a positive integer/);
  });
  it.each([3, 8])('scatterAddRows (C = %i) zeroes rows no index hits, even in a reused buffer', async (C) => {
    const rows = 6;
    for (let round = 0; round < 2; round++) {
      const [src, idx] = [tensor(new Array<number>(2 * C).fill(1), [2, C]), tensor([4, 4], [2], 'i32')];
      tensor(new Array<number>(rows * C).fill(NaN), [rows, C]).dispose(); // a dirty buffer, next out of the pool
      const out = scatterAddRows(src, idx, rows);
      const want = Array.from({ length: rows * C }, (_, i) => (Math.floor(i / C) === 4 ? 2 : 0));
      expect(Array.from(await out.read())).toEqual(want);
      out.dispose();
    }
  });
  it('embedding of a (B, T) id tensor gives (B, T, C)', async () => {
    const w = tensor([0, 1, 10, 11, 20, 21], [3, 2]);
    const e = embedding(w, tensor([2, 0, 1, 2], [2, 2], 'i32'));
    expect(e.shape).toEqual([2, 2, 2]);
    expect(Array.from(await e.read())).toEqual([20, 21, 0, 1, 10, 11, 20, 21]);
  });
});
