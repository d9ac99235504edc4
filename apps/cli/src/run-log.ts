/**
 * Reading a run's log.jsonl back. Lines are appended as a run goes, so a crash or a full disk can
 * leave the last one torn: it is dropped with a warning (the run resumes from its checkpoint and
 * writes it again). Any other line that does not parse, or is not an object with a `type`, is
 * dropped the same way; nothing in a log can stop a resume.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** One line: its `type` ('step', 'eval', 'plan', 'diverged') and, for steps and evaluations, the step. */
const lineSchema = z.looseObject({ type: z.string(), step: z.number().optional() });
export type LogLine = z.infer<typeof lineSchema>;

/** An evaluation line, as the result's curve needs it. */
const evalSchema = z.looseObject({ type: z.literal('eval'), step: z.number().int().min(0), valLoss: z.number(), accuracy: z.number(), utilisation: z.array(z.array(z.number())) });
export type EvalLine = z.infer<typeof evalSchema>;

/** The log's lines that parse; `warn` hears of each dropped one. */
export function readLog(file: string, warn: (text: string) => void): LogLine[] {
  if (!existsSync(file)) return [];
  const raw = readFileSync(file, 'utf8').split('\n');
  if (raw.at(-1) === '') raw.pop();
  const lines: LogLine[] = [];
  raw.forEach((text, i) => {
    let parsed: ReturnType<typeof lineSchema.safeParse> | undefined;
    try {
      parsed = lineSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) lines.push(parsed.data);
    else warn(i === raw.length - 1 ? `${file}: the last line is torn (${text.length} characters); dropped.` : `${file}: line ${i + 1} is not a log entry; dropped.`);
  });
  return lines;
}

/** The evaluation lines among `lines` (others of type 'eval' that lack a field are left out). */
export function evalLines(lines: readonly LogLine[]): EvalLine[] {
  return lines.flatMap((l) => {
    const e = l.type === 'eval' ? evalSchema.safeParse(l) : undefined;
    return e?.success ? [e.data] : [];
  });
}
