/** Text generation from a trained model (temperature, top-k), for a human look at what it learned. */
import { noGrad, rng, scopeAsync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import type { MoEConfig } from './config.js';
import { lastLogits } from './model.js';

export interface SampleOptions {
  readonly maxTokens: number;
  /** Softmax temperature; 0 = greedy. */
  readonly temperature?: number;
  /** Sample among the k most likely tokens (0 = all). */
  readonly topK?: number;
  readonly seed?: number;
}

/** Continues `prompt` (token ids) by up to maxTokens tokens; the context is cut to the last seqLen. */
export async function sample(c: MoEConfig, params: Readonly<Record<string, Tensor>>, prompt: readonly number[], { maxTokens, temperature = 1, topK = 0, seed = 0 }: SampleOptions): Promise<number[]> {
  if (prompt.length === 0) throw new Error('sample: the prompt needs at least one token.');
  const out = [...prompt];
  const random = rng(seed);
  for (let i = 0; i < maxTokens; i++) {
    const context = out.slice(-c.seqLen);
    const T = context.length;
    // Only the last position's logits: (1, V), never (T, V).
    const logits = await scopeAsync(async () => noGrad(() => lastLogits(c, params, tensor(context, [1, T], 'i32'))).readF32());
    out.push(pick(logits, temperature, topK, random));
  }
  return out.slice(prompt.length);
}

function pick(logits: Float32Array, temperature: number, topK: number, random: () => number): number {
  const order = Array.from(logits.keys()).sort((x, y) => logits[y]! - logits[x]!);
  if (temperature <= 0) return order[0]!;
  const pool = topK > 0 ? order.slice(0, topK) : order;
  const max = logits[pool[0]!]!;
  const weights = pool.map((i) => Math.exp((logits[i]! - max) / temperature));
  let r = random() * weights.reduce((x, y) => x + y, 0);
  for (let j = 0; j < pool.length; j++) if ((r -= weights[j]!) <= 0) return pool[j]!;
  return pool[pool.length - 1]!;
}
