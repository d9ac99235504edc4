import { softmaxRef } from '../softmax/softmax.ref.js';
import { topkRef } from '../topk/topk.ref.js';

/** Float64 reference of routerGates: probs (N·E), then gates (N·k), and the indices. */
export function routerGatesRef(logits: ArrayLike<number>, E: number, k: number): { probsAndGates: Float64Array; indices: Int32Array } {
  const probs = softmaxRef(logits, E);
  const { values, indices } = topkRef(logits, E, k);
  const gates = softmaxRef(values, k);
  const probsAndGates = new Float64Array(probs.length + gates.length);
  probsAndGates.set(probs, 0);
  probsAndGates.set(gates, probs.length);
  return { probsAndGates, indices };
}
