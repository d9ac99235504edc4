import { describe, expect, it } from 'vitest';
import { parseArgs, parseCommand, renderHelp, UsageError, type CommandSpec } from './index.js';

const script: CommandSpec = {
  name: 'step-bench',
  program: '',
  summary: 'a script',
  positional: '[preset] [batch]',
  positionalFlags: ['preset', 'batch'],
  flags: {
    preset: { kind: 'string', choices: ['cpu', 'smoke'], help: 'the model' },
    batch: { kind: 'int', min: 1, max: 64, help: 'sequences' },
  },
};

describe('parseCommand', () => {
  it('takes positional flags by position, checked by their specs', () => {
    expect(parseCommand(script, ['smoke', '4']).flags).toEqual({ preset: 'smoke', batch: 4 });
    expect(parseCommand(script, ['--batch', '2', 'cpu']).flags).toEqual({ preset: 'cpu', batch: 2 });
    expect(() => parseCommand(script, ['smoke', '0'])).toThrow(new UsageError('step-bench: --batch must be an integer in [1, 64], got "0".'));
    expect(() => parseCommand(script, ['gpu'])).toThrow(new UsageError('step-bench: --preset must be one of cpu, smoke, got "gpu".'));
  });

  it('refuses unknown flags, extra arguments and a flag given twice', () => {
    expect(() => parseCommand(script, ['--steps', '3'])).toThrow(/^step-bench: unknown flag --steps \(known: --preset, --batch; see --help\)\.$/);
    expect(() => parseCommand(script, ['cpu', '2', 'adamw'])).toThrow(new UsageError('step-bench: takes at most 2 arguments ([preset] [batch]), got 3; see --help.'));
    expect(() => parseCommand(script, ['--preset', 'cpu', 'smoke'])).toThrow(new UsageError('step-bench: preset is given twice, as --preset and as argument 1.'));
  });

  it('names the program in messages and help', () => {
    const bench: CommandSpec = { name: 'bench', program: 'pnpm', summary: 'suites', maxPositionals: 0, flags: { large: { kind: 'switch', help: 'big shapes' } } };
    expect(() => parseCommand(bench, ['x'])).toThrow(new UsageError('pnpm bench: takes at most 0 arguments (none), got 1; see --help.'));
    expect(() => parseArgs('train', ['--nope'], {})).toThrow(/^optimlab train: unknown flag --nope/);
    expect(renderHelp(bench).split('\n')[0]).toBe('pnpm bench [flags]');
    expect(renderHelp(script).split('\n')[0]).toBe('step-bench [preset] [batch] [flags]');
  });
});
