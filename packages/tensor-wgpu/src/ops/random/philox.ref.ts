/** CPU reference of Philox4x32-10 and of the uniform/normal transforms (float64). */

function mulhilo(a: number, b: number): [number, number] {
  const product = BigInt(a >>> 0) * BigInt(b >>> 0);
  return [Number(product >> 32n) >>> 0, Number(product & 0xffffffffn) >>> 0];
}

export function philoxRef(counter: readonly number[], key: readonly number[]): number[] {
  let [c0, c1, c2, c3] = counter.map((v) => v >>> 0) as [number, number, number, number];
  let [k0, k1] = key.map((v) => v >>> 0) as [number, number];
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

export const toUnitRef = (x: number): number => (x >>> 8) / 16777216;

export function randomRef(dist: 'uniform' | 'normal', n: number, seed: number, stream: number, a: number, b: number): Float64Array {
  const out = new Float64Array(n);
  const [lo, hi] = splitSeed(seed);
  for (let block = 0; block * 4 < n; block++) {
    const u = philoxRef([block, stream, 0, 0], [lo, hi]).map(toUnitRef) as [number, number, number, number];
    let v: number[];
    if (dist === 'uniform') v = u.map((x) => a + (b - a) * x);
    else {
      const r0 = Math.sqrt(-2 * Math.log(1 - u[0]));
      const r1 = Math.sqrt(-2 * Math.log(1 - u[2]));
      const t0 = 2 * Math.PI * u[1];
      const t1 = 2 * Math.PI * u[3];
      v = [r0 * Math.cos(t0), r0 * Math.sin(t0), r1 * Math.cos(t1), r1 * Math.sin(t1)].map((z) => a + b * z);
    }
    for (let j = 0; j < 4 && block * 4 + j < n; j++) out[block * 4 + j] = v[j]!;
  }
  return out;
}

/** A seed (any safe integer) as two u32 words. */
export function splitSeed(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const big = BigInt.asUintN(64, BigInt(seed));
  return [Number(big & 0xffffffffn), Number(big >> 32n)];
}
