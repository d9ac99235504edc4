/**
 * Suite 2: one full optimizer step of every optimizer over the parameter set of a model preset
 * (cpu by default): time per step (GPU completion) and optimizer-state bytes on the GPU, both
 * relative to AdamW. Matrix-only methods (Muon, NorMuon, Shampoo, SOAP, MuonH) run as their registry `+adamw`
 * split, as the thesis does for Muon.
 */
import { createOptimizer, findOptimizer, makeOptimizer, optimizerNames, OPTIMIZERS, type GradientTransformation } from '@optimlab/optim';
import { initParams, makeConfig, type PresetName } from '@optimlab/moe-model';
import { memoryStats, randNormal, scope, sync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { timeIt, type SuiteResult } from '../harness.js';

/** Every registry optimizer that takes the whole model (matrix-only ones as their +adamw split), plus Muon with 3 NS steps and with q/k/v split. */
const MAKERS: Record<string, () => GradientTransformation<any>> = {
  ...Object.fromEntries(
    optimizerNames()
      .filter((n) => findOptimizer(n)!.params === 'any')
      .map((n) => [n, () => makeOptimizer(n, { learningRate: findOptimizer(n)!.spec.learningRate, ...(n === 'shampoo+adamw' ? { updateEvery: 10 } : {}) })]),
  ),
  'muon+adamw ns3': () => makeOptimizer('muon+adamw', { learningRate: OPTIMIZERS.muon.learningRate, nsSteps: 3 }),
  'muon+adamw split qkv': () => makeOptimizer('muon+adamw', { learningRate: OPTIMIZERS.muon.learningRate, split: 'qkv' }),
};

export async function optimizerStepSuite({ preset }: { preset: PresetName }): Promise<SuiteResult> {
  const c = makeConfig(preset);
  const makers = { ...MAKERS, 'muon+adamw split heads': () => makeOptimizer('muon+adamw', { learningRate: OPTIMIZERS.muon.learningRate, split: 'heads', heads: c.nHeads }) };
  const rows: { optimizer: string; 'ms/step': number; 'state MB': number; 'time vs AdamW': number; 'state vs AdamW': number }[] = [];
  for (const [name, make] of Object.entries(makers)) {
    const params = initParams(c, 1);
    const grads: Record<string, Tensor> = {};
    Object.entries(params).forEach(([k, p], i) => (grads[k] = randNormal(p.shape, { seed: 2, stream: i, std: 1e-3 }).keep()));
    const loss = tensor([3], []).keep();
    await sync();
    const before = memoryStats().liveBytes;
    const opt = createOptimizer(make(), params);
    scope(() => opt.step(grads, { loss })); // state is allocated lazily by some (Momo, MuonMax)
    await sync();
    const stateBytes = memoryStats().liveBytes - before;
    const ms = await timeIt(name, async () => {
      scope(() => opt.step(grads, { loss }));
      await sync();
    }, { iterations: 15, warmup: 2 });
    rows.push({ optimizer: name, 'ms/step': ms, 'state MB': stateBytes / 2 ** 20, 'time vs AdamW': 0, 'state vs AdamW': 0 });
    for (const t of [...Object.values(params), ...Object.values(grads), loss]) t.dispose();
  }
  const ref = rows.find((r) => r.optimizer === 'adamw')!;
  for (const r of rows) {
    r['time vs AdamW'] = r['ms/step'] / ref['ms/step'];
    r['state vs AdamW'] = r['state MB'] / ref['state MB'];
  }
  return { suite: `optimizer-step (${preset} preset)`, rows };
}
