/**
 * RMSNorm and LayerNorm over the last axis (C), one invocation per row; `centered` selects
 * LayerNorm. Forward keeps what backward needs: mean (LayerNorm) and rstd per row.
 *   xhat = (x − μ)·rstd, rstd = 1/sqrt(mean((x − μ)²) + eps)   (μ = 0 for RMSNorm)
 *   y = xhat ⊙ w (+ b)
 * Backward, per row with wg = w ⊙ g:
 *   dx = rstd · (wg − mean(wg)·[centered] − xhat · mean(wg ⊙ xhat))
 * and per column (one invocation each): dw = Σ_rows g ⊙ xhat, db = Σ_rows g.
 * Uniforms: [0] rows, [1] C, [2] eps, [3] centered (0/1).
 */
import { bindings, perIndex } from '../wgsl.js';

/**
 * dx of a norm's row from wg = w ⊙ g, x̂ and the row's means of wg (0 for RMSNorm) and wg ⊙ x̂:
 * the one statement of the formula (add-norm.wgsl.ts's RMSNorm backward calls it too).
 */
export const NORM_DX_WGSL = /* wgsl */ `
fn normDx(rstd: f32, wg: f32, meanWg: f32, xhat: f32, meanWgXhat: f32) -> f32 {
  return rstd * (wg - meanWg - xhat * meanWgXhat);
}`;

export const normForwardWgsl = /* wgsl */ `
${bindings({ xs: 'read', w: 'read', b: 'read', ys: 'rw', stats: 'rw vec2<f32>' })} // stats: (mean, rstd) per row
${perIndex(64, 'r', 'pu(0u)', 'let C = pu(1u);')}
  let centered = pu(3u) == 1u;
  let base = r * C;
  var mu = 0.0;
  if (centered) {
    for (var j = 0u; j < C; j++) { mu += xs[base + j]; }
    mu = mu / f32(C);
  }
  var ss = 0.0;
  for (var j = 0u; j < C; j++) { let d = xs[base + j] - mu; ss += d * d; }
  let rstd = inverseSqrt(ss / f32(C) + pf(2u));
  stats[r] = vec2<f32>(mu, rstd);
  for (var j = 0u; j < C; j++) {
    let bias = select(0.0, b[j], centered);
    ys[base + j] = (xs[base + j] - mu) * rstd * w[j] + bias;
  }
}`;

export const normBackwardInputWgsl = /* wgsl */ `
${bindings({ gs: 'read', xs: 'read', w: 'read', stats: 'read vec2<f32>', dx: 'rw' })}
${NORM_DX_WGSL}
${perIndex(64, 'r', 'pu(0u)', 'let C = pu(1u);')}
  let centered = pu(3u) == 1u;
  let base = r * C;
  let mu = stats[r].x;
  let rstd = stats[r].y;
  var meanWg = 0.0;     // term 1: mean(w ⊙ g)
  var meanWgXhat = 0.0; // term 2: mean(w ⊙ g ⊙ xhat)
  for (var j = 0u; j < C; j++) {
    let wg = w[j] * gs[base + j];
    meanWg += wg;
    meanWgXhat += wg * (xs[base + j] - mu) * rstd;
  }
  meanWg = select(0.0, meanWg / f32(C), centered);
  meanWgXhat = meanWgXhat / f32(C);
  for (var j = 0u; j < C; j++) {
    let xhat = (xs[base + j] - mu) * rstd;
    dx[base + j] = normDx(rstd, w[j] * gs[base + j], meanWg, xhat, meanWgXhat);
  }
}`;

export const normBackwardParamsWgsl = /* wgsl */ `
${bindings({ gs: 'read', xs: 'read', stats: 'read vec2<f32>', dw: 'rw', db: 'rw' })}
${perIndex(64, 'j', 'C', 'let rows = pu(0u); let C = pu(1u);')}
  var accW = 0.0;
  var accB = 0.0;
  for (var r = 0u; r < rows; r++) {
    let g = gs[r * C + j];
    accW += g * (xs[r * C + j] - stats[r].x) * stats[r].y;
    accB += g;
  }
  dw[j] = accW;
  db[j] = accB;
}`;
