import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type CommandSpec } from '@optimlab/flags';
import { doctorCommand } from './commands/doctor.js';
import { ladderCommand } from './commands/ladder.js';
import { reportCommand } from './commands/report.js';
import { reproduceCommand } from './commands/reproduce.js';
import { sampleCommand } from './commands/sample.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { workerCommand } from './commands/worker.js';
import { studyCommand } from './commands/study.js';
import { RUN_FLAGS } from './run-input.js';

const COMMANDS: CommandSpec[] = [reproduceCommand, trainCommand, sweepCommand, ladderCommand, reportCommand, sampleCommand, doctorCommand, workerCommand, studyCommand];

describe('number flags', () => {
  it('every number flag has a lower and an upper bound (run-config flags: the schema’s, see moe-model bounds.test.ts)', () => {
    const missing = COMMANDS.flatMap((c) =>
      Object.entries(c.flags)
        .filter(([name, s]) => (s.kind === 'number' || s.kind === 'int') && !(name in RUN_FLAGS))
        .filter(([, s]) => !(Number.isFinite(s.min) && Number.isFinite(s.max)))
        .map(([name]) => `${c.name} --${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('refuses a value past the upper bound, naming the range, and shows a huge value cut short', () => {
    const spec = workerCommand.flags;
    expect(() => parseArgs('worker', ['--lock-timeout', '1e12'], spec)).toThrow(new UsageError('optimlab worker: --lock-timeout must be a number in [1, 86400], got "1e12".'));
    expect(parseArgs('worker', ['--lock-timeout', '30'], spec).flags['lock-timeout']).toBe(30);
    const huge = '9'.repeat(1_000_000);
    let message = '';
    try {
      parseArgs('worker', ['--lock-timeout', huge], spec);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/got "9{60}"… \(1,000,000 characters\)\.$/);
    expect(message.length).toBeLessThan(160);
  });
});
