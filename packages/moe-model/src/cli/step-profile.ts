/**
 * Training-step profile of a preset on this adapter, optimizers measured alternately (see
 * step-profile.ts for what each figure means): ms per step, tokens/s, host (JS) time, GPU busy
 * time by phase and kind of kernel, GPU-idle share, dispatches and submits per step.
 * Usage: pnpm --filter @optimlab/moe-model step-profile [preset] [batch] [optimizers, comma-separated; default adamw,muon; muon-ns3 = 3 NS steps]
 * Env: ROUNDS=n timed steps per optimizer (default 5), TOP=n kernels listed (default 8).
 */
import { destroyDevice, getGpu } from '@optimlab/tensor-wgpu';
import { makeConfig, type PresetName } from '../presets.js';
import { formatStepProfiles, profileTrainingSteps } from '../step-profile.js';

const preset = (process.argv[2] ?? 'cpu') as PresetName;
const B = Number(process.argv[3] ?? 8);
const optimizers = (process.argv[4] ?? 'adamw,muon').split(',');
const gpu = await getGpu();
const c = makeConfig(preset);
const profiles = await profileTrainingSteps(c, B, optimizers, { rounds: Number(process.env['ROUNDS'] ?? 5), top: Number(process.env['TOP'] ?? 8) });
console.log(`${preset} preset, batch ${B}×${c.seqLen}, ${gpu.info.description}; medians of alternating steps`);
for (const line of formatStepProfiles(profiles)) console.log(line);
const [first, ...rest] = profiles;
for (const p of rest) console.log(`${p.optimizer} / ${first!.optimizer} step time: ${(p.stepMs / first!.stepMs).toFixed(2)}×`);
await destroyDevice();
