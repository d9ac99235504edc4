import { describe, expect, it } from 'vitest';
import { tensor } from '../../creation.js';
import { randomArray } from '../../test/random.js';
import { mapInPlace } from './map.js';

describe('mapInPlace', () => {
  it('updates outputs in place from inputs and scalars (odd length)', async () => {
    const g = randomArray(13, 1);
    const p = randomArray(13, 2);
    const m = randomArray(13, 3);
    const gt = tensor(g);
    const pt = tensor(p);
    const mt = tensor(m);
    mapInPlace({ name: 'test-momentum', body: 'out1 = s0 * out1 + in0; out0 = out0 - s1 * out1;', inputs: [gt], outputs: [pt, mt], scalars: [0.9, 0.1] });
    const mRef = m.map((v, i) => 0.9 * v + g[i]!);
    const pRef = p.map((v, i) => v - 0.1 * mRef[i]!);
    expect(await mt.read()).toBeAllclose(mRef);
    expect(await pt.read()).toBeAllclose(pRef);
  });
  it('rejects mismatched sizes and aliasing', () => {
    const a = tensor([1, 2]);
    expect(() => mapInPlace({ name: 'x', body: '', inputs: [tensor([1])], outputs: [a] })).toThrow(/must be f32 with 1 elements, got f32 \[2\]/);
    expect(() => mapInPlace({ name: 'x', body: '', inputs: [a], outputs: [a] })).toThrow(/also be an input/);
  });
});
