/**
 * Training-step speed of a preset on this adapter: ms per step and tokens/s, split into forward,
 * backward and optimizer (each timed to GPU completion), plus the dispatch and submit counts.
 * Usage: tsx src/cli/step-bench.ts [preset] [batch] [optimizer]
 */
import { backward, destroyDevice, getGpu, requireGrad, runtimeStats, scopeAsync, startProfiling, stopProfiling, sync, tensor } from '@optimlab/tensor-wgpu';
import { createOptimizer } from '@optimlab/optim';
import { makeConfig, type PresetName } from '../presets.js';
import { initParams } from '../params.js';
import { forward } from '../model.js';
import { buildOptimizer } from '../train.js';
import { resolveOptimizerConfig } from '../run-config.js';

const preset = (process.argv[2] ?? 'cpu') as PresetName;
const B = Number(process.argv[3] ?? 8);
const optimizerName = process.argv[4] ?? 'muon+adamw';
const gpu = await getGpu();
const c = makeConfig(preset);
const T = c.seqLen;
const params = initParams(c, 1);
for (const p of Object.values(params)) requireGrad(p);
const opt = createOptimizer(buildOptimizer(resolveOptimizerConfig({ name: optimizerName }), 100), params);
const ids = Array.from({ length: B * T }, (_, i) => (i * 31) % c.vocabSize);
const times = { forward: 0, backward: 0, optimizer: 0 };
const STEPS = 5;
let dispatches = 0;
for (let s = -1; s < STEPS; s++) {
  const before = runtimeStats();
  await scopeAsync(async () => {
    const idsT = tensor(ids, [B, T], 'i32');
    const t0 = performance.now();
    const r = forward(c, params, idsT, idsT, { training: true, seed: s });
    await sync();
    const t1 = performance.now();
    backward(r.loss);
    await sync();
    const t2 = performance.now();
    opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss: r.loss });
    await sync();
    const t3 = performance.now();
    for (const p of Object.values(params)) {
      p.grad?.dispose();
      p.grad = undefined;
    }
    if (s >= 0) {
      times.forward += t1 - t0;
      times.backward += t2 - t1;
      times.optimizer += t3 - t2;
    }
  });
  if (s >= 0) dispatches += runtimeStats().dispatches - before.dispatches;
}
// One more step under the GPU kernel profiler: where the time goes, by kind of kernel.
const CATEGORIES: [string, RegExp][] = [
  ['matmul', /^matmul/],
  ['attention + RoPE', /^attention|^rope/],
  ['MoE dispatch + experts', /^moe-route|^grouped-matmul|^gather-rows|^scatter-add-rows|^topk/],
  ['optimizer', /^map:|^sum-squares|^sqrt-of-sum/],
];
startProfiling();
await scopeAsync(async () => {
  const idsT = tensor(ids, [B, T], 'i32');
  const r = forward(c, params, idsT, idsT, { training: true, seed: 99 });
  backward(r.loss);
  opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!])), { loss: r.loss });
  for (const p of Object.values(params)) {
    p.grad?.dispose();
    p.grad = undefined;
  }
});
const profile = await stopProfiling();
const byCategory = new Map<string, number>();
let gpuTotal = 0;
for (const [name, { ms }] of profile) {
  const category = CATEGORIES.find(([, re]) => re.test(name))?.[0] ?? 'other (norms, softmax, CE, elementwise, layout)';
  byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
  gpuTotal += ms;
}
const total = times.forward + times.backward + times.optimizer;
const ms = (v: number): string => `${(v / STEPS).toFixed(1)} ms (${((100 * v) / total).toFixed(0)}%)`;
console.log(`${preset} preset, batch ${B}×${T}, ${optimizerName}, ${gpu.info.description}`);
console.log(`step ${(total / STEPS).toFixed(1)} ms = forward ${ms(times.forward)} + backward ${ms(times.backward)} + optimizer ${ms(times.optimizer)}`);
console.log(`${((B * T * STEPS) / (total / 1000)).toFixed(0)} tokens/s; ${(dispatches / STEPS).toFixed(0)} dispatches per step`);
console.log(`GPU time by kernel kind (one profiled step, ${gpuTotal.toFixed(0)} ms; optimizer = its elementwise kernels, its Newton–Schulz counts as matmul):`);
for (const [category, ms] of [...byCategory].sort((a, b) => b[1] - a[1])) console.log(`  ${category.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / gpuTotal).toFixed(0).padStart(3)}%`);
const top = [...profile].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(process.env['TOP'] ?? 8));
console.log(`top kernels (TOP=n for more):`);
for (const [n, v] of top) console.log(`  ${n.slice(0, 48).padEnd(48)} ${v.ms.toFixed(1).padStart(8)} ms ×${v.count}`);

await destroyDevice();
