/**
 * Command-line parsing on node:util's parseArgs, from one table of flag specs per command; the
 * same table renders `--help`. Every mistake is a UsageError (one line, exit code 2) naming the
 * flag and what it accepts. Flags are checked one by one here; the run config they feed is then
 * validated as a whole by its schema. The optimlab CLI, `pnpm bench` and the moe-model scripts
 * all parse this way; messages name the program (`optimlab train:`, `bench:`).
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { showValue } from '@optimlab/optim';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagKind = 'string' | 'number' | 'int' | 'switch' | 'list';
export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly choices?: readonly string[];
  /** Inclusive lower bound, or exclusive when `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Inclusive upper bound: every number flag that sets no run-config field has one (the schema bounds the others). */
  readonly max?: number;
  /** The value's name in help (default: by kind). */
  readonly value?: string;
}
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export type FlagValue = string | number | boolean | string[];
export interface Parsed {
  readonly positional: string[];
  readonly flags: Readonly<Record<string, FlagValue | undefined>>;
}

export interface CommandSpec {
  readonly name: string;
  /** What is typed before the name, in messages and help (default: optimlab; '' for none). */
  readonly program?: string;
  /** The most positional arguments the command takes (default: any). */
  readonly maxPositionals?: number;
  /**
   * Flags that may also be given by position, in order (`step-profile cpu 8` for `--preset cpu
   * --batch 8`): each positional is checked by its flag's spec. Implies maxPositionals.
   */
  readonly positionalFlags?: readonly string[];
  readonly summary: string;
  /** Positional arguments, for help: e.g. "DIR". */
  readonly positional?: string;
  readonly flags: FlagSpecs;
  /** Extra help text after the flags (examples, formats). */
  readonly notes?: string;
}

const HELP_FLAG: FlagSpec = { kind: 'switch', help: 'show this help' };

function convert(who: string, name: string, s: FlagSpec, raw: string): FlagValue {
  if (s.kind === 'list') {
    const items = raw.split(',').map((v) => v.trim());
    if (items.some((v) => v === '')) throw new UsageError(`${who}: --${name} takes a comma-separated list without empty items, got ${showValue(raw)}.`);
    for (const v of items) if (s.choices && !s.choices.includes(v)) throw new UsageError(`${who}: --${name}: ${showValue(v)} is not one of ${s.choices.join(', ')}.`);
    return items;
  }
  if (s.kind === 'string') {
    if (s.choices && !s.choices.includes(raw)) throw new UsageError(`${who}: --${name} must be one of ${s.choices.join(', ')}, got ${showValue(raw)}.`);
    if (raw === '') throw new UsageError(`${who}: --${name} needs a non-empty value (${s.help}).`);
    return raw;
  }
  const v = raw.trim() === '' ? NaN : Number(raw);
  const aboveMin = s.min === undefined || (s.minExclusive ? v > s.min : v >= s.min);
  const belowMax = s.max === undefined || v <= s.max;
  if (Number.isFinite(v) && (s.kind !== 'int' || Number.isInteger(v)) && aboveMin && belowMax) return v;
  const low = s.min === undefined ? '' : `${s.minExclusive ? '>' : '≥'} ${s.min}`;
  const range = s.max === undefined ? (low ? ` ${low}` : '') : s.min === undefined ? ` ≤ ${s.max}` : ` in ${s.minExclusive ? '(' : '['}${s.min}, ${s.max}]`;
  throw new UsageError(`${who}: --${name} must be ${s.kind === 'int' ? 'an integer' : 'a number'}${range}, got ${showValue(raw)}.`);
}

/** Parses argv against the command's flags; `--help`/`-h` is added to every command. */
export function parseArgs(command: string, argv: readonly string[], spec: FlagSpecs, program = 'optimlab'): Parsed & { help: boolean } {
  const who = program ? `${program} ${command}` : command;
  // "--lr -0.1": a value may start with a dash; join it so node's parser takes it as the value.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const s = a.startsWith('--') && !a.includes('=') ? spec[a.slice(2)] : undefined;
    if (s && s.kind !== 'switch' && i + 1 < argv.length && /^-\d|^-\./.test(argv[i + 1]!)) args.push(`${a}=${argv[++i]!}`);
    else args.push(a);
  }
  const options = Object.fromEntries([...Object.entries(spec), ['help', HELP_FLAG] as const].map(([n, s]) => [n, { type: s.kind === 'switch' ? ('boolean' as const) : ('string' as const), ...(n === 'help' ? { short: 'h' } : {}) }]));
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = nodeParseArgs({ args, options, strict: true, allowPositionals: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] });
  } catch (err) {
    throw new UsageError(`${who}: ${describeParseError(err as Error & { code?: string }, spec)}`);
  }
  const flags: Record<string, FlagValue | undefined> = {};
  for (const [name, raw] of Object.entries(values)) {
    if (name === 'help' || raw === undefined) continue;
    flags[name] = typeof raw === 'boolean' ? raw : convert(who, name, spec[name]!, raw);
  }
  return { positional: positionals, flags, help: values['help'] === true };
}

function describeParseError(err: Error & { code?: string }, spec: FlagSpecs): string {
  const known = Object.keys(spec).map((k) => `--${k}`).join(', ') || 'none';
  const flag = /'(-{1,2}[^' ]+)/.exec(err.message)?.[1] ?? '';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag} (known: ${known}; see --help).`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing|requires an argument|argument is ambiguous/i.test(err.message) || !/does not take/.test(err.message)
        ? `${flag} needs a value (${spec[flag.replace(/^-+/, '')]?.help ?? 'see --help'}).`
        : `${flag} is a switch and takes no value.`;
    default:
      return `${err.message.split('\n')[0]} (see --help).`;
  }
}

/** The help text of a command, from its flag table. */
export function renderHelp(c: CommandSpec): string {
  const rows: [string, string][] = Object.entries(c.flags).map(([name, s]) => {
    const value = s.kind === 'switch' ? '' : ` ${s.value ?? (s.choices ? s.choices.join('|') : s.kind === 'list' ? 'A,B' : s.kind === 'string' ? 'TEXT' : 'N')}`;
    return [`--${name}${value}`, s.help];
  });
  rows.push(['-h, --help', HELP_FLAG.help]);
  const width = Math.min(34, Math.max(...rows.map(([f]) => f.length)) + 2);
  const lines = rows.map(([f, h]) => `  ${f.padEnd(width)}${f.length >= width ? `\n  ${''.padEnd(width)}` : ''}${h}`);
  return [`${[c.program ?? 'optimlab', c.name].filter(Boolean).join(' ')}${c.positional ? ` ${c.positional}` : ''} [flags]`, `  ${c.summary}`, '', 'Flags:', ...lines, ...(c.notes ? ['', c.notes] : [])].join('\n');
}

/**
 * Parses argv for a command spec: its flags, its positional count, and `--help` (printed, exit 0).
 * For scripts: a UsageError is the caller's to print as one line with exit code 2.
 */
export function parseCommand(c: CommandSpec, argv: readonly string[]): Parsed & { help: boolean } {
  const program = c.program ?? 'optimlab';
  const who = program ? `${program} ${c.name}` : c.name;
  const parsed = parseArgs(c.name, argv, c.flags, program);
  const most = c.positionalFlags?.length ?? c.maxPositionals;
  if (most !== undefined && parsed.positional.length > most) {
    throw new UsageError(`${who}: takes at most ${most} argument${most === 1 ? '' : 's'} (${c.positional ?? 'none'}), got ${parsed.positional.length}; see --help.`);
  }
  if (!c.positionalFlags) return parsed;
  const flags = { ...parsed.flags };
  parsed.positional.forEach((raw, i) => {
    const name = c.positionalFlags![i]!;
    if (flags[name] !== undefined) throw new UsageError(`${who}: ${name} is given twice, as --${name} and as argument ${i + 1}.`);
    flags[name] = convert(who, name, c.flags[name]!, raw);
  });
  return { positional: [], flags, help: parsed.help };
}

/** Errors a script reports as bad input (one line, exit 2) besides UsageError, e.g. a package's InputError. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * A script's entry: parses argv for `c` and runs `main` with the result. --help prints the help;
 * a UsageError (or one of `inputErrors`), from parsing or from `main`, prints one line and exits 2.
 */
export function runScript(c: CommandSpec, main: (args: Parsed) => Promise<void>, inputErrors: readonly ErrorClass[] = []): void {
  const isInput = (err: unknown): err is Error => err instanceof UsageError || inputErrors.some((k) => err instanceof k);
  const refuse = (err: Error): never => {
    process.stderr.write(`${err.message.split('\n')[0]}\n`);
    process.exit(2);
  };
  let parsed: Parsed & { help: boolean };
  try {
    parsed = parseCommand(c, process.argv.slice(2));
  } catch (err) {
    if (isInput(err)) refuse(err);
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(`${renderHelp(c)}\n`);
    return;
  }
  main(parsed).catch((err: unknown) => {
    if (isInput(err)) refuse(err);
    throw err;
  });
}
