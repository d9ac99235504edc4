/**
 * Training-step profile of a preset on this adapter, optimizers measured alternately (see
 * step-profile.ts for what each figure means): ms per step, tokens/s, host (JS) time, GPU busy
 * time by phase and kind of kernel, GPU-idle share, dispatches and submits per step.
 * Usage: pnpm --filter @optimlab/moe-model step-profile [preset] [batch] [optimizers] (or --preset,
 * --batch, --optimizers; --help). Env: ROUNDS=n timed steps per optimizer (default 5), TOP=n
 * kernels listed (default 8).
 */
import { runScript, UsageError, type Parsed } from '@optimlab/flags';
import { scriptCommand } from './script-command.js';
import { destroyDevice, getGpu } from '@optimlab/tensor-wgpu';
import { InputError } from '../errors.js';
import { makeConfig, type PresetName } from '../presets.js';
import { formatStepProfiles, profileTrainingSteps } from '../step-profile.js';
import { resolveOptimizerConfig } from '../run-config.js';

const stepProfileCommand = scriptCommand('step-profile', 'the training step of each optimizer, profiled alternately: time by phase and kernel, dispatches, GPU idle', [
  'optimizers',
  { kind: 'list', help: 'optimizer names, the first the baseline of the ratios (default: adamw,muon; muon = muon+adamw, muon-ns3 = 3 Newton–Schulz steps)' },
]);

async function main({ flags }: Parsed): Promise<void> {
  const preset = (flags['preset'] as PresetName | undefined) ?? 'cpu';
  const B = (flags['batch'] as number | undefined) ?? 8;
  const optimizers = (flags['optimizers'] as string[] | undefined) ?? ['adamw', 'muon'];
  // Every name is checked before the adapter starts ("muon-ns3": muon+adamw with nsSteps 3).
  for (const name of optimizers) {
    const [base, ns] = name.split('-ns') as [string, string | undefined];
    try {
      resolveOptimizerConfig({ name: base === 'muon' ? 'muon+adamw' : base, ...(ns === undefined ? {} : { nsSteps: Number(ns) }) });
    } catch (err) {
      if (err instanceof InputError) throw new UsageError(`step-profile: --optimizers ${name}: ${err.message.replace(/^optimizer[^:]*: /, '')}`);
      throw err;
    }
  }
  const gpu = await getGpu();
  const c = makeConfig(preset);
  const profiles = await profileTrainingSteps(c, B, optimizers, { rounds: Number(process.env['ROUNDS'] ?? 5), top: Number(process.env['TOP'] ?? 8) });
  console.log(`${preset} preset, batch ${B}×${c.seqLen}, ${gpu.info.description}; medians of alternating steps`);
  for (const line of formatStepProfiles(profiles)) console.log(line);
  const [first, ...rest] = profiles;
  for (const p of rest) console.log(`${p.optimizer} / ${first!.optimizer} step time: ${(p.stepMs / first!.stepMs).toFixed(2)}×`);
  await destroyDevice();
}

runScript(stepProfileCommand, main, [InputError]);
