/**
 * addRmsNorm: a pre-norm transformer's residual step, sum = x + dropout(branch) and
 * normed = RMSNorm(sum) ⊙ w, in one pass per row (it was dropout, add and norm: three passes;
 * backward four: dropout, norm dx, norm dw and the sum into the residual's gradient, now two).
 *   forward, one invocation per row: s = x + keep·branch, rstd = 1/sqrt(mean(s²) + eps),
 *     y = s·rstd ⊙ w; keeps rstd per row (stats, as norm.wgsl.ts: (0, rstd)).
 *   backward, one invocation per row, with gs = d sum, gy = d normed and ŝ = s·rstd:
 *     dx = gs + rstd·(w ⊙ gy − ŝ·mean(w ⊙ gy ⊙ ŝ)),   dbranch = keep·dx (written with
 *     dropout only: without, dbranch is dx);
 *   dw is norm.wgsl.ts's per-column kernel on (gy, s).
 * keep is dropout's mask (dropout.wgsl.ts's dropoutKeep, the same elements as dropout(branch)),
 * or 1 without dropout. Uniforms: [0] rows, [1] C, [2] eps, [3] has gs (0/1), [4] seed lo,
 * [5] seed hi, [6] stream, [7] p, [8] dropout (0/1).
 */
import { bindings, perIndex } from '../wgsl.js';
import { NORM_DX_WGSL } from './norm.wgsl.js';
import { PHILOX_WGSL } from '../random/philox.wgsl.js';
import { DROPOUT_KEEP_WGSL } from '../dropout/dropout.wgsl.js';

/** keepAt(e, j, keep4): the mask of element e (column j of its row), hashing each group of 4 once. */
const KEEP_AT_WGSL = /* wgsl */ `
${PHILOX_WGSL}
${DROPOUT_KEEP_WGSL}
fn keepAt(e: u32, j: u32, keep4: ptr<function, vec4<f32>>) -> f32 {
  if (pu(8u) == 0u) { return 1.0; }
  if (j == 0u || e % 4u == 0u) { *keep4 = dropoutKeep(e / 4u, pu(6u), vec2<u32>(pu(4u), pu(5u)), pf(7u)); }
  return (*keep4)[e % 4u];
}`;

export const addRmsNormWgsl = /* wgsl */ `
${bindings({ xs: 'read', branch: 'read', w: 'read', sums: 'rw', ys: 'rw', stats: 'rw vec2<f32>' })}
${KEEP_AT_WGSL}
${perIndex(64, 'r', 'pu(0u)', 'let C = pu(1u);')}
  let base = r * C;
  var keep4 = vec4<f32>(1.0);
  var ss = 0.0;
  for (var j = 0u; j < C; j++) {
    let e = base + j;
    let s = xs[e] + branch[e] * keepAt(e, j, &keep4);
    sums[e] = s;
    ss += s * s;
  }
  let rstd = inverseSqrt(ss / f32(C) + pf(2u));
  stats[r] = vec2<f32>(0.0, rstd);
  for (var j = 0u; j < C; j++) { ys[base + j] = sums[base + j] * rstd * w[j]; }
}`;

export const addRmsNormBackwardWgsl = /* wgsl */ `
${bindings({ gs: 'read', gy: 'read', sums: 'read', w: 'read', stats: 'read vec2<f32>', dx: 'rw', dbranch: 'rw' })}
${KEEP_AT_WGSL}
${NORM_DX_WGSL}
${perIndex(64, 'r', 'pu(0u)', 'let C = pu(1u);')}
  let base = r * C;
  let rstd = stats[r].y;
  var m = 0.0; // mean(w ⊙ gy ⊙ ŝ)
  for (var j = 0u; j < C; j++) { m += w[j] * gy[base + j] * sums[base + j] * rstd; }
  m = m / f32(C);
  let withGs = pu(3u) == 1u;
  var keep4 = vec4<f32>(1.0);
  for (var j = 0u; j < C; j++) {
    let e = base + j;
    var d = normDx(rstd, w[j] * gy[e], 0.0, sums[e] * rstd, m);
    if (withGs) { d += gs[e]; }
    dx[e] = d;
    if (pu(8u) == 1u) { dbranch[e] = d * keepAt(e, j, &keep4); }
  }
}`;
