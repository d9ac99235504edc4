import { describe, expect, it } from 'vitest';
import { tensor } from '../../creation.js';
import { randomArray } from '../../test/random.js';
import { addIdentity } from './add-identity.js';
import { addIdentityRef } from './add-identity.ref.js';

describe('addIdentity', () => {
  it.each([
    [1, 1],
    [3, 5], // a stack of 5×5
    [2, 17],
  ])('%i matrices of %i×%i: x + αI vs reference', async (n, k) => {
    const x = randomArray(n * k * k, n + k);
    expect(await addIdentity(tensor(x, [n, k, k]), -2.5).read()).toBeAllclose(addIdentityRef(x, k, -2.5), { rtol: 1e-6, atol: 1e-7 });
  });
  it('rejects matrices that are not square', () => {
    expect(() => addIdentity(tensor([1, 2], [1, 2]), 1)).toThrow(/square/);
  });
});
