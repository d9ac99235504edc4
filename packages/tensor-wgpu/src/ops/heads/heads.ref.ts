import { ropeRef } from '../rope/rope.ref.js';

/**
 * Float64 reference of qkvHeads: x (B, T, 3·H·D) → q, k, v (B, H, T, D), RoPE on q and k when
 * `base` is given; returned one after another (q, then k, then v).
 */
export function qkvHeadsRef(x: ArrayLike<number>, B: number, T: number, H: number, D: number, base?: number, offset = 0): Float64Array {
  const part = B * H * T * D;
  const out = new Float64Array(3 * part);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let which = 0; which < 3; which++) {
        for (let h = 0; h < H; h++) {
          for (let j = 0; j < D; j++) out[which * part + ((b * H + h) * T + t) * D + j] = x[((b * T + t) * 3 + which) * H * D + h * D + j]!;
        }
      }
    }
  }
  if (base === undefined) return out;
  for (const which of [0, 1]) out.set(ropeRef(out.subarray(which * part, (which + 1) * part), T, D, base, offset), which * part);
  return out;
}
