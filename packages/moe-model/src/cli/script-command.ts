/**
 * The command spec of a moe-model script (step-bench, step-profile): a preset and a micro-batch,
 * then the script's own last argument, each by flag or by position, parsed by @optimlab/flags.
 */
import type { CommandSpec, FlagSpec } from '@optimlab/flags';
import { PRESET_NAMES } from '../presets.js';

export function scriptCommand(name: string, summary: string, [last, spec]: [string, FlagSpec]): CommandSpec {
  return {
    name,
    program: '',
    summary,
    positional: `[preset] [batch] [${last}]`,
    positionalFlags: ['preset', 'batch', last],
    flags: {
      preset: { kind: 'string', choices: PRESET_NAMES, help: 'the model (default: cpu)' },
      batch: { kind: 'int', min: 1, max: 1024, help: 'sequences per micro-batch (default: 8)' },
      [last]: spec,
    },
  };
}
