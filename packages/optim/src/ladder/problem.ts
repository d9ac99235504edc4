/**
 * The optimizer ladder's problem (shared/reference/optimizers.md §5): a teacher–student MLP
 * (dims 16-64-64-64-32-8, tanh, no biases; teacher init scale 1.2, student 1.0), 2048 inputs,
 * half mean squared error. Pure tensor code: it runs wherever WebGPU does (Node or a browser).
 */
import { matmul, mulScalar, randNormal, scope, square, sub, sumAll, tanh, type Tensor } from '@optimlab/tensor-wgpu';

export const LADDER_DIMS = [16, 64, 64, 64, 32, 8] as const;
/** Relative full-data loss that counts as "reached". */
export const LADDER_TARGET = 0.03;
export const LADDER_SAMPLES = 2048;
export const LADDER_BATCH = 128;

/** Weights w0…w4, each (out, in), N(0, scale²/in), kept. */
export function initNet(seed: number, scale: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (let i = 0; i + 1 < LADDER_DIMS.length; i++) {
    out[`w${i}`] = randNormal([LADDER_DIMS[i + 1]!, LADDER_DIMS[i]!], { seed, stream: i, std: scale / Math.sqrt(LADDER_DIMS[i]!) }).keep();
  }
  return out;
}

export function net(w: Readonly<Record<string, Tensor>>, x: Tensor): Tensor {
  let h = x;
  for (let i = 0; i + 1 < LADDER_DIMS.length; i++) {
    h = matmul(h, w[`w${i}`]!, { transB: true });
    if (i + 2 < LADDER_DIMS.length) h = tanh(h);
  }
  return h;
}

/** ½·mean over rows of ‖pred − y‖². */
export const mse = (pred: Tensor, y: Tensor): Tensor => mulScalar(sumAll(square(sub(pred, y))), 0.5 / pred.shape[0]!);

export interface LadderData {
  readonly x: Tensor;
  readonly y: Tensor;
  dispose(): void;
}

/** The fixed inputs and the teacher's outputs (kept until `dispose`). */
export function ladderData(): LadderData {
  const teacher = initNet(0, 1.2);
  const x = randNormal([LADDER_SAMPLES, LADDER_DIMS[0]], { seed: 1 }).keep();
  const y = scope(() => net(teacher, x).keep());
  for (const w of Object.values(teacher)) w.dispose();
  return { x, y, dispose: () => (x.dispose(), y.dispose()) };
}
