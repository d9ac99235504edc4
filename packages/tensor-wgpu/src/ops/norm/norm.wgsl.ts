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
import { PARAMS_WGSL, storage } from '../wgsl.js';
import { linearIndex, mainSignature } from '../common.js';

export const normForwardWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'xs', 'array<f32>', 'read')}
${storage(2, 'w', 'array<f32>', 'read')}
${storage(3, 'b', 'array<f32>', 'read')}
${storage(4, 'ys', 'array<f32>', 'read_write')}
${storage(5, 'stats', 'array<vec2<f32>>', 'read_write')} // (mean, rstd) per row
${mainSignature(64)} {
  let r = ${linearIndex(64)};
  let C = pu(1u);
  if (r >= pu(0u)) { return; }
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
${PARAMS_WGSL}
${storage(1, 'gs', 'array<f32>', 'read')}
${storage(2, 'xs', 'array<f32>', 'read')}
${storage(3, 'w', 'array<f32>', 'read')}
${storage(4, 'stats', 'array<vec2<f32>>', 'read')}
${storage(5, 'dx', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let r = ${linearIndex(64)};
  let C = pu(1u);
  if (r >= pu(0u)) { return; }
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
    dx[base + j] = rstd * (w[j] * gs[base + j] - meanWg - xhat * meanWgXhat);
  }
}`;

export const normBackwardParamsWgsl = /* wgsl */ `
${PARAMS_WGSL}
${storage(1, 'gs', 'array<f32>', 'read')}
${storage(2, 'xs', 'array<f32>', 'read')}
${storage(3, 'stats', 'array<vec2<f32>>', 'read')}
${storage(4, 'dw', 'array<f32>', 'read_write')}
${storage(5, 'db', 'array<f32>', 'read_write')}
${mainSignature(64)} {
  let j = ${linearIndex(64)};
  let rows = pu(0u); let C = pu(1u);
  if (j >= C) { return; }
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
