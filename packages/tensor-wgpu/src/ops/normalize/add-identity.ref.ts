/** Float64 reference of addIdentity: x + α·I for each (k, k) matrix. */
export function addIdentityRef(x: ArrayLike<number>, k: number, alpha: number): Float64Array {
  return Float64Array.from(x, (v, i) => v + (Math.floor(i / k) % k === i % k ? alpha : 0));
}
