/**
 * Newton–Schulz orthogonalisation (Muon's "zeropower"): X ≈ U Vᵀ for G = U S Vᵀ, by the quintic
 * X ← aX + (bA + cA²)X with A = XXᵀ, after X₀ = G / (‖G‖_F·scale + eps). Runs on the GPU as
 * batched matmuls over (n, rows, cols) — every same-shape matrix in one call. Tall matrices use
 * A = XᵀX and X ← aX + X(bA + cA²) (the transposed iteration), so the Gram matrix is
 * min(rows, cols)² and nothing is transposed in memory.
 * Kernels: one normalisation, then three per iteration: A = XXᵀ, B = c·A·A + b·A and
 * X' = B·X + a·X, the polynomial's sums in the matmuls' epilogues (matmulAdd).
 *
 * Gram space. Every iterate is X_i = P_i·X₀ (X₀·P_i when tall) with P_i (k × k, k the short side)
 * built from the Gram matrix G = X₀X₀ᵀ alone: A = P·G·Pᵀ, B = bA + cA², P ← aP + B·P, and X = P·X₀
 * at the end. A step then costs 8k³ flops instead of 4k²n + 2k³ (n the long side), plus 4k²n per
 * segment: the iteration restarts from the X it reached every GRAM_SEGMENT steps, because P's
 * entries grow along G's near-null directions and float32 rounding with them. For the MoE experts'
 * 64 × 256 matrices at 5 steps that is a third fewer flops. Both iterations are tested against the
 * float64 rule, on rank-deficient matrices too.
 */
import { abs, addScalar, mapInPlace, matmul, matmulAdd, mul, normalizeMatrices, rsqrt, scope, sum, Tensor } from '@optimlab/tensor-wgpu';

export interface NewtonSchulzCoefficients {
  /** (a, b, c) per iteration; iterations past the end repeat the last triple. */
  readonly triples: readonly (readonly [number, number, number])[];
  /** ‖G‖_F is multiplied by this before dividing (Polar Express: 1.01). */
  readonly normScale: number;
}

/** Keller Jordan's quintic (3.4445, −4.7750, 2.0315), KellerJordan/Muon. */
export const KELLER: NewtonSchulzCoefficients = { triples: [[3.4445, -4.775, 2.0315]], normScale: 1 };

/** Polar Express (Amsel et al. 2025) as in GPT-opt's polar.py: 8 per-step triples, safety 1.01. */
export const POLAR_EXPRESS: NewtonSchulzCoefficients = (() => {
  const raw: [number, number, number][] = [
    [8.28721201814563, -23.595886519098837, 17.300387312530933],
    [4.107059111542203, -2.9478499167379106, 0.5448431082926601],
    [3.9486908534822946, -2.908902115962949, 0.5518191394370137],
    [3.3184196573706015, -2.488488024314874, 0.51004894012372],
    [2.300652019954817, -1.6689039845747493, 0.4188073119525673],
    [1.891301407787398, -1.2679958271945868, 0.37680408948524835],
    [1.8750014808534479, -1.2500016453999487, 0.3750001645474248],
    [1.875, -1.25, 0.375],
  ];
  // Safety factor for stability, all but the last triple: (a/1.01, b/1.01³, c/1.01⁵) — as in
  // GPT-opt's polar.py (optimizers.md's "each further divided by 1.01" is not in that code).
  const triples = raw.map(([a, b, c], i) =>
    i === raw.length - 1 ? ([a, b, c] as [number, number, number]) : ([a / 1.01, b / 1.01 ** 3, c / 1.01 ** 5] as [number, number, number]),
  );
  return { triples, normScale: 1.01 };
})();

/** Dion's 5-step coefficients (optax preset 'dion'). */
export const DION: NewtonSchulzCoefficients = {
  triples: [
    [4.0848, -6.8946, 2.927],
    [3.9505, -6.3029, 2.6377],
    [3.7418, -5.5913, 2.3037],
    [2.8769, -3.1427, 1.2046],
    [2.8366, -3.0525, 1.2012],
  ],
  normScale: 1,
};

export const COEFFICIENTS = { keller: KELLER, polarExpress: POLAR_EXPRESS, dion: DION } as const;
export type CoefficientSet = keyof typeof COEFFICIENTS;

export interface NewtonSchulzOptions {
  readonly steps?: number;
  readonly coefficients?: CoefficientSet | NewtonSchulzCoefficients;
  readonly eps?: number;
  /** Multiplies the result (Muon's shape scale), folded into the last iteration's epilogue. */
  readonly outputScale?: number;
  /**
   * Iterate in Gram space (see above): 'auto' (the default) does where it saves flops, i.e. when
   * the long side is at least GRAM_MIN_ASPECT × the short one and there are at least 3 steps.
   */
  readonly gram?: boolean | 'auto';
  /**
   * How X₀ is scaled: 'frobenius' (the default) divides G by ‖G‖_F·normScale + eps; 'aol'
   * (Turbo-Muon: Boissin et al. 2025, arXiv:2512.04632) scales the short side's rows (tall: the
   * columns) by s_i = (Σ_j |A_ij|)^(-1/2), A the Gram matrix of G, which bounds ‖X₀‖₂ ≤ 1 and
   * starts closer to orthogonal, so one step fewer reaches the same accuracy. The first iteration
   * reuses A as diag(s)·A·diag(s) instead of a new Gram product.
   */
  readonly precondition?: 'frobenius' | 'aol';
}

/** Added to AOL's row sums: a zero row (Muon's padding) gets a finite scale and stays zero. */
export const AOL_TINY = 1e-30;

/** Gram-space steps between restarts from the X reached (see gramSpace). */
export const GRAM_SEGMENT = 3;

/**
 * Long side / short side from which 'auto' iterates in Gram space. Measured on lavapipe (bench
 * suite 'ns', Gram vs direct timed alternately, 5 steps, restarting after 3): 1152×384 and
 * 16 × 256×64, 16 × 64×256 1.25–1.27× faster in Gram space, 2 × 192×64 0.95×; 64×128 was slower
 * still (0.83× without restarts: more and smaller kernels).
 */
export const GRAM_MIN_ASPECT = 3;

/** Orthogonalises each matrix of g (rows, cols) or (n, rows, cols). Returns a new tensor. */
export function newtonSchulz(g: Tensor, { steps = 5, coefficients = 'keller', eps = 1e-7, outputScale = 1, gram = 'auto', precondition = 'frobenius' }: NewtonSchulzOptions = {}): Tensor {
  if (g.ndim !== 2 && g.ndim !== 3) throw new RangeError(`newtonSchulz: needs (rows, cols) or (n, rows, cols), got [${g.shape.join(', ')}].`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`newtonSchulz: steps must be a positive integer, got ${steps}.`);
  const coeffs = typeof coefficients === 'string' ? COEFFICIENTS[coefficients] : coefficients;
  return scope(() => {
    let x = g.ndim === 3 ? g : g.view([1, ...g.shape]);
    // A tall X (rows > cols) iterates on the smaller Gram matrix XᵀX and multiplies from the right,
    // X ← aX + X(bA + cA²): the transpose of the wide iteration, without copying X transposed.
    const tall = x.shape[1]! > x.shape[2]!;
    const [short, long] = tall ? [x.shape[2]!, x.shape[1]!] : [x.shape[1]!, x.shape[2]!];
    const gramOf = (m: Tensor): Tensor => (tall ? matmul(m, m, { transA: true }) : matmul(m, m, { transB: true })); // (n, k, k), k = min(rows, cols)
    let first: Tensor | undefined; // the Gram matrix of X₀, when preconditioning computed it
    if (precondition === 'aol') {
      const n = x.shape[0]!;
      const A0 = gramOf(x);
      const s = rsqrt(addScalar(sum(abs(A0), -1, { keepDims: true }), AOL_TINY)); // (n, k, 1)
      const sRow = s.view([n, 1, short]);
      x = mul(x, tall ? sRow : s); // X₀ = G·diag(s) (tall) or diag(s)·G
      first = mul(mul(A0, s), sRow); // diag(s)·A·diag(s)
    } else {
      x = normalizeMatrices(x, { scale: coeffs.normScale, eps });
    }
    const triple = (i: number): readonly [number, number, number] => coeffs.triples[Math.min(i, coeffs.triples.length - 1)]!;
    if (gram === true || (gram === 'auto' && steps >= 3 && long >= GRAM_MIN_ASPECT * short)) {
      return gramSpace(x, tall, steps, triple, outputScale, first).view(g.shape).keep();
    }
    for (let i = 0; i < steps; i++) {
      const [a, b, c] = triple(i);
      const s = i === steps - 1 ? outputScale : 1;
      const A = i === 0 && first ? first : gramOf(x);
      const B = matmulAdd(A, A, A, { alpha: c, beta: b }); // bA + cA²
      x = tall ? matmulAdd(x, B, x, { alpha: s, beta: s * a }) : matmulAdd(B, x, x, { alpha: s, beta: s * a }); // s·(aX + XB) or s·(aX + BX)
    }
    return (g.ndim === 3 ? x : x.view(g.shape)).keep();
  });
}

/**
 * The iteration on k × k matrices, in segments of at most GRAM_SEGMENT steps. In a segment from X₀
 * (wide; tall is the transpose): G = X₀X₀ᵀ, P₀ = I, A = P·G·Pᵀ, B = bA + cA², P ← aP + B·P (tall:
 * A = Pᵀ·G·P, P ← aP + P·B), then X = P·X₀ (tall: X₀·P). P grows like the product of the
 * segment's a's along near-null directions of G, and rounding with it, so each segment starts
 * afresh from the X it reached (with Keller's a = 3.4445, at most a³ ≈ 41).
 *
 * P is carried as p₀·I + Q: p₀ ← a·p₀, Q ← a·Q + B·P. Every product that feeds Q or X then has one
 * of G, H, A, B or Q on the side of the rows being combined, and each of those keeps rows (and
 * columns) i, j bitwise equal when rows i, j of X₀ are (duplicated rows of a gradient: tied or
 * copied neurons); so A, B, Q and X keep them equal, as the direct iteration does. Summed as P·X₀ instead, the two rows would add the same terms in another
 * order, and the next segments would amplify that rounding gap (a zero singular value) by ≈ a per
 * step: 5e-4 from the float64 rule at 10 steps on a 16 × 64 gradient of duplicated rows.
 * P itself is never formed: G·Pᵀ = G·Qᵀ + p₀G and B·P = B·Q + p₀B, the p₀ terms in the products'
 * epilogues (and aQ + p₀B in one elementwise kernel).
 */
function gramSpace(x0: Tensor, tall: boolean, steps: number, triple: (i: number) => readonly [number, number, number], outputScale: number, firstGram?: Tensor): Tensor {
  let x = x0;
  for (let from = 0; from < steps; from += GRAM_SEGMENT) {
    const to = Math.min(steps, from + GRAM_SEGMENT);
    const G = from === 0 && firstGram ? firstGram : tall ? matmul(x, x, { transA: true }) : matmul(x, x, { transB: true }); // (n, k, k)
    let p0 = 1;
    let Q: Tensor | undefined; // undefined: zero (P = I)
    for (let i = from; i < to; i++) {
      const [a, b, c] = triple(i);
      let A = G;
      if (Q) {
        // wide: H = G·Pᵀ = G·Qᵀ + p₀G, A = P·H = Q·H + p₀H; tall: H = Pᵀ·G = Qᵀ·G + p₀G, A = H·P = H·Q + p₀H.
        const H = tall ? matmulAdd(Q, G, G, { transA: true, beta: p0 }) : matmulAdd(G, Q, G, { transB: true, beta: p0 });
        A = tall ? matmulAdd(H, Q, H, { beta: p0 }) : matmulAdd(Q, H, H, { beta: p0 });
      }
      const B = matmulAdd(A, A, A, { alpha: c, beta: b }); // bA + cA²
      // Q ← aQ + B·P = B·Q + (aQ + p₀B) (tall: Q·B + …); from P = I that is B.
      Q = !Q ? B : tall ? matmulAdd(Q, B, linearCombination(Q, a, B, p0)) : matmulAdd(B, Q, linearCombination(Q, a, B, p0));
      p0 *= a;
    }
    // X = s·(Q·X₀ + p₀X₀) (tall: s·(X₀·Q + p₀X₀)).
    const s = to === steps ? outputScale : 1;
    x = tall ? matmulAdd(x, Q!, x, { alpha: s, beta: s * p0 }) : matmulAdd(Q!, x, x, { alpha: s, beta: s * p0 });
  }
  return x;
}

/** α·x + β·y, one vec4 kernel (α, β as uniforms, so one pipeline for every step). */
function linearCombination(x: Tensor, alpha: number, y: Tensor, beta: number): Tensor {
  const out = new Tensor(x.shape);
  mapInPlace({ name: 'ns-combine', body: 'out0 = s0 * in0 + s1 * in1;', inputs: [x, y], outputs: [out], scalars: [alpha, beta] });
  return out;
}
