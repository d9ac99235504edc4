/**
 * The MoE feed-forward layer (thesis TopKRouter + MixtureOfExperts): noisy top-k routing, gates =
 * softmax over the chosen k logits, SiLU expert MLPs computed ONLY on their routed tokens
 * (gather → grouped matmul over all experts → gate-weighted combine back), and the layer's
 * load-balancing loss w·E·Σ_e f_e·P_e.
 */
import {
  activationDropout, add, balanceLoss, combineExperts, gatherRows, groupedMatmul, matmul, randNormal, routeByExpert, routerGates, silu,
  type Tensor,
} from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';

export interface MoEWeights {
  readonly router: Tensor; // (E, d)
  readonly w1: Tensor; // (E, dFF, d)
  readonly w2: Tensor; // (E, d, dFF)
}

export interface Randomness {
  /** Dropout and router noise on (training) or off (evaluation). */
  readonly training: boolean;
  readonly seed: number;
  /** Distinguishes every random draw of a step (the model numbers them). */
  readonly stream: number;
}

export interface MoEOutput {
  readonly out: Tensor; // (N, d)
  readonly aux: Tensor; // []
  /** Share of routed slots per expert, (E): for utilisation metrics. */
  readonly fraction: Tensor;
  /** Router entropy source: the probabilities (N, E). */
  readonly probs: Tensor;
}

/** `balanceFraction` (E), when given, replaces this batch's own f_e in the load-balancing loss. */
export function moeForward(c: MoEConfig, h: Tensor, weights: MoEWeights, rnd: Randomness, balanceFraction?: Tensor): MoEOutput {
  const N = h.shape[0]!;
  const { numExperts: E, topK: k } = c;
  let logits = matmul(h, weights.router, { transB: true }); // (N, E)
  if (rnd.training && c.routerNoiseStd > 0) {
    logits = add(logits, randNormal([N, E], { seed: rnd.seed, stream: rnd.stream, std: c.routerNoiseStd }));
  }
  // probs = softmax(logits) (N, E); indices = top-k logits (N, k); gates = softmax of those k.
  const { probs, gates, indices } = routerGates(logits, k);
  const routing = routeByExpert(indices, E);
  // Slot s = token·k + choice: dividing its id by k names the token's row.
  const xs = gatherRows(h, routing.order, { divisor: k }); // (R = N·k, d), sorted by expert
  const up = groupedMatmul(xs, weights.w1, routing); // (R, dFF)
  const hidden = rnd.training && c.dropout > 0 ? activationDropout('silu', up, { p: c.dropout, seed: rnd.seed, stream: rnd.stream + 1 }) : silu(up);
  const ys = groupedMatmul(hidden, weights.w2, routing); // (R, d)
  const out = combineExperts(ys, gates, routing); // (N, d): Σ_j gate_j · expert output j, in token order
  // aux = w·E·Σ_e f_e·P_e, f from the routing counts (no gradient), P = mean router probability.
  const aux = balanceLoss(probs, balanceFraction ?? routing.fraction, c.loadBalancingWeight * E); // one kernel (backward: one)
  return { out, aux, fraction: routing.fraction, probs };
}
