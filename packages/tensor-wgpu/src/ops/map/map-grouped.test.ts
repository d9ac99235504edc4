import { describe, expect, it } from 'vitest';
import { tensor } from '../../creation.js';
import { runtimeStats } from '../../runtime.js';
import { randomArray } from '../../test/random.js';
import { mapInPlace } from './map.js';
import { mapInPlaceGrouped, membersPerDispatch } from './map-grouped.js';

const BODY = 'out1 = s0 * out1 + in0; out0 = out0 - s1 * out1 + in1 * in0;';

describe('mapInPlaceGrouped', () => {
  // Odd sizes, one past a workgroup's 256 vec4s, and more members than one dispatch takes.
  const sizes = [13, 1, 64, 1029, 4 * 256 + 3, 7, 300, 5, 2048, 33, 17];
  const data = sizes.map((n, m) => [0, 1, 2, 3].map((k) => randomArray(n, 10 * m + k)));

  it('equals mapInPlace bitwise on every member, and the float64 rule within rounding', async () => {
    const grouped = data.map((d) => d.map((x) => tensor(x)));
    const single = data.map((d) => d.map((x) => tensor(x)));
    mapInPlaceGrouped({ name: 'test-grouped', body: BODY, members: grouped.map(([g, c, p, m]) => ({ inputs: [g!, c!], outputs: [p!, m!] })), scalars: [0.9, 0.1] });
    for (const [g, c, p, m] of single) mapInPlace({ name: 'test-grouped', body: BODY, inputs: [g!, c!], outputs: [p!, m!], scalars: [0.9, 0.1] });
    for (const [i, [g, c, p, m]] of data.entries()) {
      const mRef = m!.map((v, j) => 0.9 * v + g![j]!);
      const pRef = p!.map((v, j) => v - 0.1 * mRef[j]! + c![j]! * g![j]!);
      const [gp, gm] = [await grouped[i]![2]!.read(), await grouped[i]![3]!.read()];
      expect(Array.from(gp)).toEqual(Array.from(await single[i]![2]!.read()));
      expect(Array.from(gm)).toEqual(Array.from(await single[i]![3]!.read()));
      expect(gp).toBeAllclose(pRef, { rtol: 1e-6, atol: 1e-6 });
      expect(gm).toBeAllclose(mRef, { rtol: 1e-6, atol: 1e-6 });
      // Inputs are untouched.
      expect(Array.from(await grouped[i]![0]!.read())).toEqual(Array.from(Float32Array.from(g!)));
    }
  });
  it('takes as many members per dispatch as the binding limit allows', () => {
    const members = data.map((d) => d.map((x) => tensor(x))).map(([g, c, p, m]) => ({ inputs: [g!, c!], outputs: [p!, m!] }));
    const per = membersPerDispatch(4, 2);
    expect(per).toBeGreaterThan(1);
    const before = runtimeStats().dispatches;
    mapInPlaceGrouped({ name: 'test-grouped', body: BODY, members, scalars: [0.9, 0.1] });
    expect(runtimeStats().dispatches - before).toBe(Math.ceil(sizes.length / per));
  });
  it('rejects mixed member layouts, repeated outputs and outputs read as inputs', () => {
    const [a, b, c] = [tensor([1, 2]), tensor([3, 4]), tensor([5, 6])];
    expect(() => mapInPlaceGrouped({ name: 'x', body: '', members: [{ inputs: [a], outputs: [b] }, { inputs: [], outputs: [c] }] })).toThrow(/every member needs 1 inputs/);
    expect(() => mapInPlaceGrouped({ name: 'x', body: '', members: [{ inputs: [a], outputs: [b] }, { inputs: [c], outputs: [b] }] })).toThrow(/appear once/);
    expect(() => mapInPlaceGrouped({ name: 'x', body: '', members: [{ inputs: [a], outputs: [b] }, { inputs: [b], outputs: [c] }] })).toThrow(/also be an input/);
    expect(() => mapInPlaceGrouped({ name: 'x', body: '', members: [{ inputs: [a], outputs: [tensor([1, 2, 3])] }] })).toThrow(/with 2 elements/);
  });
});
