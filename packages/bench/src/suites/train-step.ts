/**
 * Suite 4: a full training step (forward + backward + update) of a preset model with AdamW and
 * with Muon (+AdamW): ms/step, tokens/s, and the split between model and optimizer time.
 */
import { forward, initParams, makeConfig, resolveOptimizerConfig, type PresetName } from '@optimlab/moe-model';
import { buildOptimizer } from '@optimlab/moe-model/node';
import { createOptimizer } from '@optimlab/optim';
import { backward, requireGrad, scopeAsync, sync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { timeIt, type SuiteResult } from '../harness.js';

export async function trainStepSuite({ preset, batch }: { preset: PresetName; batch: number }): Promise<SuiteResult> {
  const c = makeConfig(preset);
  const T = c.seqLen;
  const ids = Array.from({ length: batch * T }, (_, i) => (i * 31) % c.vocabSize);
  const rows = [];
  for (const name of ['adamw', 'muon+adamw']) {
    const params = initParams(c, 1);
    for (const p of Object.values(params)) requireGrad(p);
    const opt = createOptimizer(buildOptimizer(resolveOptimizerConfig({ name }), 100), params);
    let model = 0;
    let optimizer = 0;
    let calls = 0;
    const step = async (): Promise<void> => {
      await scopeAsync(async () => {
        const x = tensor(ids, [batch, T], 'i32');
        const t0 = performance.now();
        const r = forward(c, params, x, x, { training: true, seed: calls });
        backward(r.loss);
        await sync();
        const t1 = performance.now();
        opt.step(Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad as Tensor])), { loss: r.loss });
        await sync();
        model += t1 - t0;
        optimizer += performance.now() - t1;
        calls++;
        for (const p of Object.values(params)) {
          p.grad?.dispose();
          p.grad = undefined;
        }
      });
    };
    await step(); // warm-up
    [model, optimizer, calls] = [0, 0, 0];
    const ms = await timeIt(`train step ${name}`, step, { iterations: 3, warmup: 0 });
    rows.push({
      optimizer: name,
      'ms/step': ms,
      'tokens/s': (batch * T) / (ms / 1000),
      'model %': (100 * model) / (model + optimizer),
      'optimizer %': (100 * optimizer) / (model + optimizer),
    });
    for (const p of Object.values(params)) p.dispose();
  }
  return { suite: `train-step (${preset} preset, batch ${batch}×${T})`, rows };
}
