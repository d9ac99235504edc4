/**
 * `pnpm demo`: the main job until the CLI exists. A teacher–student MLP regression trained with
 * plain SGD entirely on the GPU; prints the loss curve, steps/s and the adapter it ran on.
 */
import {
  add, backward, destroyDevice, getGpu, matmul, meanAll, mulScalar, noGrad, randNormal, requireGrad,
  scope, square, sub, tanh, zeros, type Tensor,
} from '../index.node.js';

const STEPS = 300;
const [IN, HIDDEN, OUT, BATCH] = [32, 64, 8, 64];

const gpu = await getGpu();
console.log(`adapter: ${gpu.info.description} (${gpu.variant} kernels)`);
const teacher = [randNormal([IN, OUT], { seed: 1, std: 1 / Math.sqrt(IN) }).keep()];
let params: Tensor[] = [randNormal([IN, HIDDEN], { seed: 2, std: 0.2 }), zeros([HIDDEN]), randNormal([HIDDEN, OUT], { seed: 3, std: 0.2 }), zeros([OUT])];
params.forEach((p) => p.keep());

const start = performance.now();
for (let step = 0; step <= STEPS; step++) {
  const loss = scope(() => {
    const [w1, b1, w2, b2] = params.map(requireGrad) as [Tensor, Tensor, Tensor, Tensor];
    const x = randNormal([BATCH, IN], { seed: 1000 + step });
    const y = tanh(matmul(x, teacher[0]!)); // (BATCH, OUT) target
    const h = tanh(add(matmul(x, w1), b1)); // (BATCH, HIDDEN)
    const loss = meanAll(square(sub(add(matmul(h, w2), b2), y)));
    backward(loss);
    const next = noGrad(() => params.map((p) => sub(p, mulScalar(p.grad!, 0.2)).keep()));
    params.forEach((p) => p.dispose());
    params = next;
    return loss.keep();
  });
  if (step % 50 === 0) console.log(`step ${String(step).padStart(4)}  loss ${(await loss.item()).toFixed(5)}`);
  loss.dispose();
}
const seconds = (performance.now() - start) / 1000;
console.log(`${STEPS} steps in ${seconds.toFixed(2)} s (${(STEPS / seconds).toFixed(0)} steps/s)`);
await destroyDevice();
