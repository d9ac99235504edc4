/**
 * Training-step speed and memory of a preset on this adapter: ms per step and tokens/s, split into
 * forward, backward and optimizer (each timed to GPU completion; forward + backward together when
 * the micro-batch runs as sub-batches), dispatches per step, the loss, and the peak GPU memory.
 * A first step warms the pipelines; when it takes over a minute (the thesis preset on a software
 * adapter) it is the measurement, and the kernel profile is skipped.
 * Usage: pnpm --filter @optimlab/moe-model step-bench [preset] [batch] [optimizer] (or --preset,
 * --batch, --optimizer; --help).
 * Env: STEPS (timed steps, default 5), TOP (kernels listed), LCE_CHUNK_ROWS (force the fused head's
 * rows per chunk), PROFILE=0 (skip the profiled step).
 */
import { runScript, type Parsed } from '@optimlab/flags';
import { scriptCommand } from './script-command.js';
import {
  backward, destroyDevice, getGpu, linearCrossEntropyChunkRows, memoryStats, requireGrad, resetPeakMemory, runtimeStats, scopeAsync,
  setLinearCrossEntropyChunkRows, startProfiling, stopProfiling, sync, tensor, type Tensor,
} from '@optimlab/tensor-wgpu';
import { createOptimizer } from '@optimlab/optim';
import { makeConfig, type PresetName } from '../presets.js';
import { DEFAULT_OPTIMIZER, resolveOptimizerConfig } from '../run-config.js';
import { InputError } from '../errors.js';
import { initParams } from '../params.js';
import { forward } from '../model.js';
import { buildOptimizer } from '../lr-schedule.js';
import { describeBatchPlan, planBatch } from '../batch-plan.js';
import { forwardBackward } from '../sub-batches.js';
import { KERNEL_KINDS, OTHER_KIND } from '../step-profile.js';

const stepBenchCommand = scriptCommand('step-bench', 'training-step speed (forward, backward, optimizer) and peak GPU memory of a preset on this adapter', [
  'optimizer',
  { kind: 'string', help: `a registry name (default: ${DEFAULT_OPTIMIZER})` },
]);

async function main({ flags }: Parsed): Promise<void> {
  const preset = (flags['preset'] as PresetName | undefined) ?? 'cpu';
  const B = (flags['batch'] as number | undefined) ?? 8;
  const optimizerName = (flags['optimizer'] as string | undefined) ?? DEFAULT_OPTIMIZER;
  const optimizerConfig = resolveOptimizerConfig({ name: optimizerName }, 'step-bench: --optimizer');
  const gpu = await getGpu();
  const c = makeConfig(preset);
  const T = c.seqLen;
  if (process.env['LCE_CHUNK_ROWS']) setLinearCrossEntropyChunkRows(Number(process.env['LCE_CHUNK_ROWS']));
  const plan = planBatch(c, B, gpu.limits);
  if (!plan.fits) throw new InputError(`step-bench: ${describeBatchPlan(plan)}`);
  const split = plan.subBatches.length > 1;
  const params = initParams(c, 1);
  for (const p of Object.values(params)) requireGrad(p);
  const opt = createOptimizer(buildOptimizer(optimizerConfig, 100), params);
  const ids = Int32Array.from({ length: B * T }, (_, i) => (i * 31) % c.vocabSize);
  const batch = { ids, targets: ids, batchSize: B };
  const grads = (): Record<string, Tensor> => Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad!]));
  const dropGrads = (): void => {
    for (const p of Object.values(params)) {
      p.grad?.dispose();
      p.grad = undefined;
    }
  };

  /** One optimizer step: [forward, backward, optimizer] ms (backward 0 when split) and the loss. */
  async function step(seed: number): Promise<{ ms: [number, number, number]; loss: number }> {
    return scopeAsync(async () => {
      const t0 = performance.now();
      let loss: Tensor;
      let t1: number;
      if (split) {
        loss = forwardBackward(c, params, batch, plan.subBatches, { seed }).loss;
        await sync();
        t1 = performance.now();
      } else {
        const r = forward(c, params, tensor(ids, [B, T], 'i32'), tensor(ids, [B, T], 'i32'), { training: true, seed });
        loss = r.loss;
        await sync();
        t1 = performance.now();
        backward(r.loss);
      }
      await sync();
      const t2 = performance.now();
      opt.step(grads(), { loss });
      await sync();
      const t3 = performance.now();
      dropGrads();
      return { ms: [t1 - t0, t2 - t1, t3 - t2] as [number, number, number], loss: await loss.item() };
    });
  }

  console.log(`${preset} preset, batch ${B}×${T}, ${optimizerName}, ${gpu.info.description}`);
  console.log(describeBatchPlan(plan));
  const headRows = Math.max(...plan.subBatches) * T;
  console.log(`fused LM head: ${linearCrossEntropyChunkRows(headRows, c.vocabSize, gpu.limits)} rows of logits per chunk (${headRows} rows per pass, V = ${c.vocabSize})`);
  resetPeakMemory();
  const warm = await step(-1);
  const warmTotal = warm.ms.reduce((a, b) => a + b, 0);
  const slow = warmTotal > 60_000;
  const STEPS = slow ? 1 : Number(process.env['STEPS'] ?? 5);
  const times = [0, 0, 0];
  let dispatches = 0;
  let loss = warm.loss;
  if (slow) {
    warm.ms.forEach((v, i) => (times[i] = v));
    console.log('(the warm-up step took over a minute: it is the measurement, pipeline compilation included)');
  } else {
    for (let s = 0; s < STEPS; s++) {
      const before = runtimeStats().dispatches;
      const r = await step(s);
      r.ms.forEach((v, i) => (times[i]! += v));
      dispatches += runtimeStats().dispatches - before;
      loss = r.loss;
    }
  }
  const memory = memoryStats();
  const [fwd, bwd, optMs] = times as [number, number, number];
  const total = fwd + bwd + optMs;
  const ms = (v: number): string => `${(v / STEPS).toFixed(1)} ms (${((100 * v) / total).toFixed(0)}%)`;
  const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;
  const passes = split ? `forward + backward ${ms(fwd)}` : `forward ${ms(fwd)} + backward ${ms(bwd)}`;
  console.log(`step ${(total / STEPS).toFixed(1)} ms = ${passes} + optimizer ${ms(optMs)}`);
  console.log(`${((B * T * STEPS) / (total / 1000)).toFixed(0)} tokens/s${slow ? '' : `; ${(dispatches / STEPS).toFixed(0)} dispatches per step`}; loss ${loss.toFixed(4)}`);
  console.log(`peak GPU memory: ${gb(memory.peakLiveBytes)} in live tensors, ${gb(memory.peakBytes)} held with the buffer pool (plan's estimate ${gb(plan.peakBytes)})`);

  if (!slow && process.env['PROFILE'] !== '0') {
    // One more step under the GPU kernel profiler: where the time goes, by kind of kernel.
    startProfiling();
    await step(99);
    const profile = await stopProfiling();
    const byCategory = new Map<string, number>();
    let gpuTotal = 0;
    for (const [name, { ms }] of profile) {
      const category = KERNEL_KINDS.find(([, re]) => re.test(name))?.[0] ?? OTHER_KIND;
      byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
      gpuTotal += ms;
    }
    console.log(`GPU time by kernel kind (one profiled step, ${gpuTotal.toFixed(0)} ms; the optimizer's Newton–Schulz matmuls count as matmul):`);
    for (const [category, ms] of [...byCategory].sort((a, b) => b[1] - a[1])) console.log(`  ${category.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / gpuTotal).toFixed(0).padStart(3)}%`);
    const top = [...profile].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(process.env['TOP'] ?? 8));
    console.log(`top kernels (TOP=n for more):`);
    for (const [n, v] of top) console.log(`  ${n.slice(0, 48).padEnd(48)} ${v.ms.toFixed(1).padStart(8)} ms ×${v.count}`);
  }

  await destroyDevice();
}

runScript(stepBenchCommand, main, [InputError]);
