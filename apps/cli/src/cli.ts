/**
 * optimlab: reproduce optimizer studies, train single runs, sweep knobs, race the ladder, re-render
 * reports, sample from checkpoints, check the machine, work a job queue. One table of commands; each command's flags
 * render its --help. Bad input: one line on stderr and exit code 2, nothing created. `cli(argv)`
 * returns the exit code (main.ts is the process around it).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '@optimlab/moe-model';
import { OptimizerOptionsError, showValue } from '@optimlab/optim';
import { NoAdapterError } from '@optimlab/tensor-wgpu';
import { parseArgs, renderHelp, UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { doctorCommand, runDoctor } from './commands/doctor.js';
import { ladderCommand, runLadderCommand } from './commands/ladder.js';
import { reportCommand, runReportCommand } from './commands/report.js';
import { reproduceCommand, runReproduce } from './commands/reproduce.js';
import { runSample, sampleCommand } from './commands/sample.js';
import { runStudyCommand, studyCommand } from './commands/study.js';
import { runSweep, sweepCommand } from './commands/sweep.js';
import { runTrain, trainCommand } from './commands/train.js';
import { runWorkerCommand, workerCommand } from './commands/worker.js';
import { RunFailedError } from './runner.js';

const COMMANDS: readonly (readonly [CommandSpec, (p: Parsed) => Promise<void>])[] = [
  [reproduceCommand, runReproduce],
  [trainCommand, runTrain],
  [studyCommand, runStudyCommand],
  [sweepCommand, runSweep],
  [ladderCommand, runLadderCommand],
  [reportCommand, runReportCommand],
  [sampleCommand, runSample],
  [doctorCommand, runDoctor],
  [workerCommand, runWorkerCommand],
];

const version = (): string => (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function overview(): string {
  const width = Math.max(...COMMANDS.map(([c]) => c.name.length)) + 2;
  return [
    'optimlab <command> [flags]   (optimlab <command> --help for its flags)',
    '',
    ...COMMANDS.map(([c]) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    '  --version     print the version',
  ].join('\n');
}

async function dispatch(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? COMMANDS.find(([c]) => c.name === rest[0]) : undefined;
    console.log(topic ? renderHelp(topic[0]) : overview());
    return;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return;
  }
  const command = COMMANDS.find(([c]) => c.name === name);
  if (!command) throw new UsageError(`optimlab: unknown command ${showValue(name)} (commands: ${COMMANDS.map(([c]) => c.name).join(', ')}; see optimlab --help).`);
  const [spec, run] = command;
  const parsed = parseArgs(spec.name, rest, spec.flags);
  if (parsed.help) {
    console.log(renderHelp(spec));
    return;
  }
  if (!spec.positional && parsed.positional.length) throw new UsageError(`optimlab ${spec.name}: unexpected argument ${showValue(parsed.positional[0])} (see optimlab ${spec.name} --help).`);
  await run(parsed);
}

/** Runs one command; returns the exit code (2: bad input, reported in one line on stderr). */
export async function cli(argv: readonly string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await dispatch(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError || err instanceof OptimizerOptionsError || err instanceof NoAdapterError) {
      console.error(oneLine((err as Error).message)); // bad input (or no adapter): one line, no stack
      return err instanceof NoAdapterError ? 1 : 2;
    }
    if (err instanceof RunFailedError) {
      console.error(oneLine(err.message)); // a run that failed for good (e.g. on a queue worker): its reason, no stack
      return 1;
    }
    const fs = fileSystemProblem(err);
    if (fs) {
      console.error(oneLine(fs)); // a path the system refuses (a file where a folder should be, no permission): one line
      return 2;
    }
    throw err;
  }
}

/** Longest error line printed: values inside are already cut (showValue); this bounds what is left, paths included. */
const MAX_LINE = 600;

/** The first line of `message`, at most MAX_LINE characters. */
export function oneLine(message: string): string {
  const first = message.split('\n')[0]!;
  return first.length <= MAX_LINE ? first : `${first.slice(0, MAX_LINE)}… (${first.length.toLocaleString('en')} characters)`;
}

/** Errors of the file system that come from where the user pointed us: one line naming the path, or undefined. */
function fileSystemProblem(err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOTDIR: 'a file stands where a folder is needed',
    EISDIR: 'a folder stands where a file is needed',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    ENAMETOOLONG: 'the path is too long',
    ELOOP: 'too many symbolic links',
  };
  if (!(err instanceof Error) || typeof e.code !== 'string' || !why[e.code]) return undefined;
  return `optimlab: cannot use ${e.path ?? 'a path'}: ${why[e.code]} (${e.code}); check the path and its permissions.`;
}
