/**
 * Suite 4: a full training step (forward + backward + update) of a preset model with AdamW, with
 * Muon (+AdamW) and with Muon at 3 Newton–Schulz steps, measured alternately: ms/step, tokens/s, host (JS) time, GPU busy time by
 * phase and kind of kernel, GPU-idle share, dispatches and submits (moe-model's step profile).
 */
import { makeConfig, type PresetName } from '@optimlab/moe-model';
import { formatStepProfiles, profileTrainingSteps } from '@optimlab/moe-model/node';
import type { SuiteResult } from '../harness.js';

export async function trainStepSuite({ preset, batch }: { preset: PresetName; batch: number }): Promise<SuiteResult> {
  const c = makeConfig(preset);
  const profiles = await profileTrainingSteps(c, batch, ['adamw', 'muon', 'muon-ns3'], { rounds: 5 });
  const suite = `train-step (${preset} preset, batch ${batch}×${c.seqLen})`;
  console.log(`\n${suite}: step profile (medians of 5 alternating steps)`);
  for (const line of formatStepProfiles(profiles)) console.log(line);
  const adamwMs = profiles[0]!.stepMs;
  const rows = profiles.map((p) => ({
    optimizer: p.optimizer.startsWith('muon') ? `${p.optimizer} (+adamw)` : p.optimizer,
    'ms/step': p.stepMs,
    'tokens/s': p.tokensPerSecond,
    'step / adamw': p.stepMs / adamwMs,
    'host %': 100 * p.hostShare,
    'GPU busy ms': p.gpuBusyMs,
    'GPU idle %': 100 * p.gpuIdleShare,
    dispatches: p.dispatches,
    submits: p.submits,
    'optimizer GPU %': (100 * (p.phases['optimizer'] ?? 0)) / p.gpuBusyMs,
    'NS GPU ms': p.phases['newton-schulz'] ?? 0,
    'NS GPU %': (100 * (p.phases['newton-schulz'] ?? 0)) / p.gpuBusyMs,
  }));
  const ns = (name: string): number => profiles.find((p) => p.optimizer === name)?.phases['newton-schulz'] ?? NaN;
  console.log(`Newton–Schulz GPU time, 3 vs 5 steps: ${ns('muon-ns3').toFixed(1)} vs ${ns('muon').toFixed(1)} ms (${(100 * (1 - ns('muon-ns3') / ns('muon'))).toFixed(0)}% saved)`);
  return { suite, rows, details: { profiles } };
}
