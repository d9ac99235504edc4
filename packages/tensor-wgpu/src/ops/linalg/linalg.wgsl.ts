/**
 * Small dense linear algebra for optimizers' preconditioners (SOAP's eigenbases), one workgroup per
 * matrix of a stack (workgroup_id.x), LINALG_THREADS invocations sharing the matrix's work; the
 * matrices live in storage buffers, so n is limited by time, not by workgroup memory. Every
 * kernel's sequential steps are separated by storage + workgroup barriers in uniform control flow.
 *
 * - eigh: cyclic Jacobi in parallel (round-robin) order: each round rotates n/2 disjoint (p, q)
 *   pairs, columns then rows (A ← JᵀAJ, V ← VJ), for a fixed number of sweeps; then the
 *   eigenpairs are written in descending order of eigenvalue. Uniforms: [0] n, [1] sweeps.
 * - householderQ: Q of A = QR by Householder reflections (A's columns in order; orthogonal even
 *   when A is rank-deficient; no reflection where a column has nothing under the diagonal), reflectors kept in a scratch copy of A, then Q = H₀…H_{n−1}.
 *   Uniforms: [0] n.
 * - rayleighOrder: the columns of Q ordered by qᵢᵀLqᵢ, descending (ties by index): perm[r] = the
 *   column of rank r. Uniforms: [0] n.
 */
import { bindings, treeSum } from '../wgsl.js';

export const LINALG_THREADS = 256;

const header = (buffers: Record<string, string>): string => `
${bindings(buffers)}
fn sync() { storageBarrier(); workgroupBarrier(); }
/** Sort key: NaN ranks last (every rank is still written once); tested on the bits, which no fast-math assumption removes. */
fn orderKey(v: f32) -> f32 {
  let b = bitcast<u32>(v);
  return select(v, -3.0e38, (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u);
}
@compute @workgroup_size(${LINALG_THREADS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = pu(0u);
  let base = wid.x * n * n;`;

/** Pair k of round r among m (even) indices, circle method: (m−1, r) for k = 0, else ((r+k), (r−k)) mod (m−1); the larger index second. */
const JACOBI_HELPERS = /* wgsl */ `
fn pairOf(k: u32, r: u32, m: u32) -> vec2<u32> {
  let a = select((r + k) % (m - 1u), m - 1u, k == 0u);
  let b = select((r + m - 1u - k) % (m - 1u), r, k == 0u);
  return vec2<u32>(min(a, b), max(a, b));
}
/** (c·x − s·y, s·x + c·y) for cs = (c, s). */
fn rotate(xy: vec2<f32>, cs: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(cs.x * xy.x - cs.y * xy.y, cs.y * xy.x + cs.x * xy.y);
}`;

export const eighWgsl = /* wgsl */ `${JACOBI_HELPERS}${header({ A: 'read', W: 'rw', V: 'rw', VECS: 'rw', VALS: 'rw', ROT: 'rw vec2<f32>' })}
  let m = n + (n % 2u);          // even: index n is a dummy partner when n is odd
  let pairs = m / 2u;
  let rot = wid.x * pairs;
  for (var i = lid; i < n * n; i += ${LINALG_THREADS}u) {
    W[base + i] = A[base + i];
    V[base + i] = select(0.0, 1.0, i / n == i % n);
  }
  sync();
  for (var sweep = 0u; sweep < pu(1u); sweep++) {
    for (var r = 0u; r + 1u < m; r++) {
      for (var k = lid; k < pairs; k += ${LINALG_THREADS}u) {
        let pq = pairOf(k, r, m);
        var cs = vec2<f32>(1.0, 0.0);
        if (pq.y < n) {
          let app = W[base + pq.x * n + pq.x];
          let aqq = W[base + pq.y * n + pq.y];
          let apq = W[base + pq.x * n + pq.y];
          if (apq != 0.0) {
            let theta = (aqq - app) / (2.0 * apq);
            let t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0));
            let c = inverseSqrt(t * t + 1.0);
            cs = vec2<f32>(c, t * c);
          }
        }
        ROT[rot + k] = cs;
      }
      sync();
      // Columns p, q of W and V (A·J), then rows p, q of W (Jᵀ·A).
      for (var item = lid; item < n * pairs; item += ${LINALG_THREADS}u) {
        let pq = pairOf(item % pairs, r, m);
        let i = item / pairs;
        if (pq.y < n) {
          let cs = ROT[rot + item % pairs];
          let w = rotate(vec2<f32>(W[base + i * n + pq.x], W[base + i * n + pq.y]), cs);
          W[base + i * n + pq.x] = w.x;
          W[base + i * n + pq.y] = w.y;
          let v = rotate(vec2<f32>(V[base + i * n + pq.x], V[base + i * n + pq.y]), cs);
          V[base + i * n + pq.x] = v.x;
          V[base + i * n + pq.y] = v.y;
        }
      }
      sync();
      for (var item = lid; item < n * pairs; item += ${LINALG_THREADS}u) {
        let pq = pairOf(item % pairs, r, m);
        let j = item / pairs;
        if (pq.y < n) {
          let w = rotate(vec2<f32>(W[base + pq.x * n + j], W[base + pq.y * n + j]), ROT[rot + item % pairs]);
          W[base + pq.x * n + j] = w.x;
          W[base + pq.y * n + j] = w.y;
        }
      }
      sync();
    }
  }
  // Descending order of the diagonal (ties by index); column i of V goes to column rank(i).
  for (var i = lid; i < n; i += ${LINALG_THREADS}u) {
    let d = orderKey(W[base + i * n + i]);
    var rank = 0u;
    for (var j = 0u; j < n; j++) {
      let e = orderKey(W[base + j * n + j]);
      if (e > d || (e == d && j < i)) { rank++; }
    }
    VALS[wid.x * n + rank] = W[base + i * n + i];
    for (var row = 0u; row < n; row++) { VECS[base + row * n + rank] = V[base + row * n + i]; }
  }
}`;

export const householderQWgsl = /* wgsl */ `${header({ A: 'read', H: 'rw', Q: 'rw', BETA: 'rw' })}
  for (var i = lid; i < n * n; i += ${LINALG_THREADS}u) {
    H[base + i] = A[base + i];
    Q[base + i] = select(0.0, 1.0, i / n == i % n);
  }
  sync();
  for (var k = 0u; k < n; k++) {
    // Reflector for column k below the diagonal: v = x − α·e₁, α = −sign(x₀)‖x‖, β = 2/vᵀv.
    part[lid] = 0.0;
    for (var i = k + 1u + lid; i < n; i += ${LINALG_THREADS}u) { let x = H[base + i * n + k]; part[lid] += x * x; }
    ${treeSum('part', 'lid', LINALG_THREADS)}
    let below = part[0]; // Σ x_i² under the diagonal
    let x0 = H[base + k * n + k];
    let alpha = -select(-1.0, 1.0, x0 >= 0.0) * sqrt(below + x0 * x0);
    let v0 = x0 - alpha;
    let vv = below + v0 * v0;
    // Nothing under the diagonal: no reflection (LAPACK's τ = 0), so R_kk = x₀.
    let beta = select(0.0, 2.0 / vv, below > 0.0 && vv > 0.0);
    sync();
    if (lid == 0u) {
      H[base + k * n + k] = v0;
      BETA[wid.x * n + k] = beta;
    }
    sync();
    for (var j = k + 1u + lid; j < n; j += ${LINALG_THREADS}u) {
      var d = 0.0;
      for (var i = k; i < n; i++) { d += H[base + i * n + k] * H[base + i * n + j]; }
      for (var i = k; i < n; i++) { H[base + i * n + j] -= beta * d * H[base + i * n + k]; }
    }
    sync();
  }
  // Q = H₀·H₁·…·H_{n−1}: apply the reflectors to I from the last; H_k touches rows and columns ≥ k.
  for (var kk = 0u; kk < n; kk++) {
    let k = n - 1u - kk;
    let beta = BETA[wid.x * n + k];
    for (var j = k + lid; j < n; j += ${LINALG_THREADS}u) {
      var d = 0.0;
      for (var i = k; i < n; i++) { d += H[base + i * n + k] * Q[base + i * n + j]; }
      for (var i = k; i < n; i++) { Q[base + i * n + j] -= beta * d * H[base + i * n + k]; }
    }
    sync();
  }
}`.replace('fn sync()', `var<workgroup> part: array<f32, ${LINALG_THREADS}>;\nfn sync()`);

export const rayleighOrderWgsl = /* wgsl */ `${header({ L: 'read', Q: 'read', EST: 'rw', PERM: 'rw i32' })}
  for (var c = lid; c < n; c += ${LINALG_THREADS}u) {
    var e = 0.0;
    for (var i = 0u; i < n; i++) {
      var li = 0.0;
      for (var j = 0u; j < n; j++) { li += L[base + i * n + j] * Q[base + j * n + c]; }
      e += Q[base + i * n + c] * li;
    }
    EST[wid.x * n + c] = e;
  }
  sync();
  for (var c = lid; c < n; c += ${LINALG_THREADS}u) {
    let e = orderKey(EST[wid.x * n + c]);
    var rank = 0u;
    for (var j = 0u; j < n; j++) {
      let f = orderKey(EST[wid.x * n + j]);
      if (f > e || (f == e && j < c)) { rank++; }
    }
    PERM[wid.x * n + rank] = i32(c);
  }
}`;
