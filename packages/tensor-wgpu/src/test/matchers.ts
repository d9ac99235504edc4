/** The `toBeAllclose` matcher's type, for every package's tests. */
import 'vitest';

declare module 'vitest' {
  interface Assertion<T> {
    toBeAllclose(expected: ArrayLike<number>, options?: { rtol?: number; atol?: number }): T;
  }
}
