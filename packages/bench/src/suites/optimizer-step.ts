/**
 * Suite 2: one full optimizer step of every optimizer over the parameter set of a model preset
 * (cpu by default): time per step (GPU completion) and optimizer-state bytes on the GPU, both
 * relative to AdamW. Matrix-only methods (Muon, Shampoo, MuonH) get AdamW for the rest, as the
 * thesis does for Muon.
 */
import { adamw, createOptimizer, momo, muonH, muonMax, muonMaxMomo, partition, shampoo, thesisLabels, OPTIMIZERS, type GradientTransformation } from '@optimlab/optim';
import { initParams, makeConfig, type PresetName } from '@optimlab/moe-model';
import { memoryStats, randNormal, scope, sync, tensor, type Tensor } from '@optimlab/tensor-wgpu';
import { timeIt, type SuiteResult } from '../harness.js';

const withAdamW = (tx: GradientTransformation<any>): GradientTransformation<any> => partition(thesisLabels, { muon: tx, adamw: adamw({ learningRate: 1e-3 }) });
/** Shampoo and MuonH take 2-D matrices only: expert stacks go to AdamW with the rest. */
const matricesOnly = (tx: GradientTransformation<any>): GradientTransformation<any> =>
  partition((n, p) => (p.ndim === 2 && thesisLabels(n, p) === 'muon' ? 'matrix' : 'adamw'), { matrix: tx, adamw: adamw({ learningRate: 1e-3 }) });

const MAKERS: Record<string, () => GradientTransformation<any>> = {
  ...Object.fromEntries(
    (Object.keys(OPTIMIZERS) as (keyof typeof OPTIMIZERS)[])
      .filter((n) => !['muon', 'shampoo', 'muonh', 'momo', 'muonmax', 'muonmax-momo'].includes(n))
      .map((n) => [n, () => (OPTIMIZERS[n] as (o: { learningRate: number }) => GradientTransformation<any>)({ learningRate: 1e-3 })]),
  ),
  'muon (+adamw)': () => withAdamW(OPTIMIZERS.muon({ learningRate: 0.02 })),
  'muon ns3 (+adamw)': () => withAdamW(OPTIMIZERS.muon({ learningRate: 0.02, nsSteps: 3 })),
  'shampoo (2-D; +adamw)': () => matricesOnly(shampoo({ learningRate: 1e-3, updateEvery: 10 })),
  'muonh (2-D; +adamw)': () => matricesOnly(muonH({ learningRate: 0.02 })),
  momo: () => momo({ learningRate: 1 }),
  muonmax: () => muonMax({ learningRate: 0.01 }),
  'muonmax-momo': () => muonMaxMomo({ learningRate: 0.01 }),
};

export async function optimizerStepSuite({ preset }: { preset: PresetName }): Promise<SuiteResult> {
  const c = makeConfig(preset);
  const rows: { optimizer: string; 'ms/step': number; 'state MB': number; 'time vs AdamW': number; 'state vs AdamW': number }[] = [];
  for (const [name, make] of Object.entries(MAKERS)) {
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
