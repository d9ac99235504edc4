/**
 * Command-line parsing: `optimlab <command> [positional] [--flag value | --switch]`. Every mistake
 * is a UsageError (one line, exit code 2) naming the flag and what it accepts.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagKind = 'string' | 'number' | 'int' | 'switch' | 'list';
export interface FlagSpec {
  readonly kind: FlagKind;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly min?: number;
}

export interface Parsed {
  readonly positional: string[];
  readonly flags: Record<string, string | number | boolean | string[]>;
}

export function parseArgs(command: string, argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const s = spec[name];
    if (!s) throw new UsageError(`optimlab ${command}: unknown flag --${name} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ') || 'none'}).`);
    if (s.kind === 'switch') {
      flags[name] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`optimlab ${command}: --${name} needs a value (${s.help}).`);
    if (s.kind === 'string') {
      if (s.choices && !s.choices.includes(raw)) throw new UsageError(`optimlab ${command}: --${name} must be one of ${s.choices.join(', ')}, got "${raw}".`);
      flags[name] = raw;
    } else if (s.kind === 'list') {
      flags[name] = raw.split(',').map((v) => v.trim()).filter(Boolean);
    } else {
      const v = Number(raw);
      const ok = Number.isFinite(v) && (s.kind !== 'int' || Number.isInteger(v)) && v >= (s.min ?? -Infinity);
      const range = s.min === Number.MIN_VALUE ? ' > 0' : s.min !== undefined ? ` ≥ ${s.min}` : '';
      if (!ok) throw new UsageError(`optimlab ${command}: --${name} must be ${s.kind === 'int' ? 'an integer' : 'a number'}${range}, got "${raw}".`);
      flags[name] = v;
    }
  }
  return { positional, flags };
}
