/**
 * What every command shares: where it runs, the flags common to several commands, reading JSON
 * files with errors that name them, output folders checked before anything is written, and the
 * GPU started only once the input has been validated.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkModelFits, countParameters, InputError, PRESET_NAMES, type MoEConfig, type PresetName } from '@optimlab/moe-model';
import { totalmem } from 'node:os';
import { truncate } from '@optimlab/optim';
import { autotuneMode, getGpu, type Gpu } from '@optimlab/tensor-wgpu';
import { UsageError, type FlagSpec, type FlagSpecs } from '@optimlab/flags';
import type { RunEnvironment } from './runs.js';

/** Where the user ran the command (pnpm sets INIT_CWD); relative paths resolve against it. */
export const workDir = (): string => process.env['INIT_CWD'] ?? process.cwd();
/** Tokenizers and token ids cached by content key. */
export const cacheDir = (): string => join(workDir(), '.optimlab-cache');

export const OUTPUT_FLAGS: FlagSpecs = {
  json: { kind: 'switch', help: 'machine-readable progress (JSON lines on stdout)' },
  quiet: { kind: 'switch', help: 'no progress output' },
};
export const DATA_FLAGS: FlagSpecs = {
  corpus: { kind: 'string', help: 'a .txt/.jsonl file or a folder (default: the embedded SOTU corpus)', value: 'PATH' },
  tokenizer: { kind: 'string', help: "'bpe' (trained on the training split, default), 'gpt2', or a tokenizer.json path", value: 'bpe|gpt2|FILE' },
};
export const PRESET_FLAG: FlagSpec = { kind: 'string', help: 'model, batch and horizons (default: cpu on a software adapter, thesis on a GPU)', choices: PRESET_NAMES };

/**
 * What SIGINT and SIGTERM do. By default the process exits at once (finished runs are saved and
 * an unfinished one resumes); a command may take them over, as the worker does to put its run
 * back in the queue first.
 */
export const signalHandler: { current?: (signal: NodeJS.Signals) => void } = {};

export const QUEUE_FLAG: FlagSpec = { kind: 'string', help: 'make the runs on workers through a Redis job queue (see optimlab worker)', value: 'redis://[:PASS@]HOST[:PORT][/DB]' };

/**
 * Refuses a model that cannot run on this adapter, before any data or file work: a tensor over the
 * one-buffer limit, or on a software adapter (whose memory is this machine's) a step over the RAM.
 */
export function checkFits(gpu: Gpu, c: MoEConfig, batchSize: number): void {
  checkModelFits(c, batchSize, gpu.limits, gpu.info.isSoftware ? { memoryBytes: totalmem() } : {});
}

/** The GPU, started after input checks; the default preset follows the adapter. */
export async function startGpu(): Promise<{ gpu: Gpu; defaultPreset: PresetName }> {
  try {
    autotuneMode(); // a bad OPTIMLAB_AUTOTUNE is one line now, not a stack at the first matmul
  } catch (err) {
    throw new UsageError(`optimlab: ${(err as Error).message}`);
  }
  const gpu = await getGpu();
  return { gpu, defaultPreset: gpu.info.isSoftware ? 'cpu' : 'thesis' };
}

/** A JSON file's contents; a missing or malformed file is an InputError naming it. A leading BOM is accepted. */
export function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${what} ${path} cannot be read: check the path.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new InputError(`${what} ${path} is not valid JSON (${truncate((err as Error).message, 120)}).`);
  }
  const depth = nestingDepth(value, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw new InputError(`${what} ${path} nests values more than ${MAX_JSON_DEPTH} levels deep: no file of ours does; check the file.`);
  return value;
}

/** Deepest nesting any file we read may have (configs and study files need under 10). */
const MAX_JSON_DEPTH = 64;

/** How deep `value` nests arrays and objects, counted with a stack (never recursion), stopping past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** File systems that are not storage: a folder there hangs or fails (Node's recursive mkdir loops on /proc). */
const PSEUDO_FILE_SYSTEMS: Record<number, string> = { 0x9fa0: 'proc', 0x62656572: 'sysfs', 0x27e0eb: 'cgroup', 0x63677270: 'cgroup2', 0x64626720: 'debugfs', 0x73636673: 'securityfs' };
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** The nearest existing folder at or above `path` (its real path), or a UsageError when a file stands in the way. */
function nearestFolder(path: string, flag: string): string {
  for (let p = path; ; p = dirname(p)) {
    if (existsSync(p)) {
      if (!statSync(p).isDirectory()) {
        throw new UsageError(p === path ? `${flag} ${path} is a file, not a folder: pick a folder path.` : `${flag} ${path} lies under ${p}, which is a file: pick a folder path.`);
      }
      return realpathSync(p);
    }
    if (dirname(p) === p) return p;
  }
}

/**
 * Refuses (one line, exit 2) a path that lies on a pseudo file system (/proc, /sys, /dev, …) or
 * whose nearest existing folder this user cannot write: checked before any work, for folders and
 * single output files alike.
 */
export function checkWritablePlace(path: string, flag: string): void {
  const folder = nearestFolder(path, flag);
  const fsType = PSEUDO_FILE_SYSTEMS[statfsSync(folder).type];
  const root = PSEUDO_ROOTS.find((r) => path === r || path.startsWith(`${r}/`) || folder === r || folder.startsWith(`${r}/`));
  if (fsType || root) throw new UsageError(`${flag} ${path} lies on ${fsType ? `a ${fsType} pseudo file system` : root}, which holds no files: pick a folder on a disk.`);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: ${folder} is not writable by this user: pick a folder you can write to.`);
  }
}

/**
 * An output folder that can be created or reused: refuses a path that is a file or lies under a
 * file, one on a pseudo file system (/proc, /sys, /dev) or where this user cannot write, and an
 * existing non-empty folder that lacks `marker` (not one of ours). Creates nothing.
 */
export function checkOutputFolder(path: string, flag: string, marker: string): { exists: boolean } {
  checkWritablePlace(path, flag);
  if (!existsSync(path)) return { exists: false };
  if (readdirSync(path).length > 0 && !existsSync(join(path, marker))) {
    throw new UsageError(`${flag} ${path} is a non-empty folder with no ${marker}: it was not made by this command; pick a new folder.`);
  }
  return { exists: true };
}

export const resolvePath = (p: string): string => resolve(workDir(), p);

export function describeModel(c: MoEConfig): string {
  return `d ${c.dModel}, ${c.nLayers} layers, ${c.nHeads} heads, d_ff ${c.dFF}, ${c.numExperts} experts top-${c.topK}, seq ${c.seqLen}, vocab ${c.vocabSize}, ${countParameters(c).total.toLocaleString('en')} parameters`;
}

/** A timestamp for default folder names: 2026-11-29-15-49-51. */
export const stamp = (): string => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

/**
 * The project's commit (with "+dirty" for uncommitted changes), or "unknown" outside a checkout.
 * Reads only: the checkout's index is never written (another git, or the user's, may hold it).
 */
export function projectCommit(here = dirname(new URL(import.meta.url).pathname)): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    // --no-optional-locks: status must not refresh (write) the checkout's index, which another git may hold.
    const dirty = execFileSync('git', ['--no-optional-locks', 'status', '--porcelain', '--untracked-files=no'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

export function environmentOf(gpu: Gpu): RunEnvironment {
  return { commit: projectCommit(), adapter: `${gpu.info.description}${gpu.info.isSoftware ? ' (software)' : ''}` };
}
