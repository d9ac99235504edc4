/**
 * `optimlab study init|check|run`: your own question as a study file (study/file/schema.ts).
 * `init` writes a commented starter; `check` validates a file whole, prints its planned runs and
 * their time on this adapter, and exits; `run` makes the same study folder as `reproduce` (runs/,
 * study.json, runs.csv, curves.csv, summary.md, plots, report.html), resuming and refusing a folder
 * made with other settings or another study file. The file is read and checked before any GPU or
 * file work.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { fileURLToPath } from 'node:url';
import { PRESETS, type PresetName } from '@optimlab/moe-model';
import { profileTrainingSteps } from '@optimlab/moe-model/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { checkWritablePlace, DATA_FLAGS, OUTPUT_FLAGS, PRESET_FLAG, QUEUE_FLAG, resolvePath, startGpu } from '../context.js';
import { plannedRuns } from '../study/file/estimate.js';
import { readStudyFile, type LoadedStudy } from '../study/file/read.js';
import { STARTER } from '../study/file/starter.js';
import { makeStudy, studyModel } from './reproduce.js';

const ACTIONS = ['init', 'check', 'run'] as const;

export const studyCommand: CommandSpec = {
  name: 'study',
  summary: 'your own question as a study file: init (a starter), check (validate, planned runs and time), run (the study folder)',
  positional: 'init [FILE] | check FILE | run FILE',
  flags: {
    preset: PRESET_FLAG,
    seeds: { kind: 'int', help: 'fresh seeds of the final comparisons (default: the file’s)', min: 1, max: 100 },
    only: { kind: 'string', help: 'stop after this phase (see study check)' },
    out: { kind: 'string', help: 'study folder (default runs/<date>_<name>-<preset>, the latest one resumed)', value: 'DIR' },
    queue: QUEUE_FLAG,
    force: { kind: 'switch', help: 'init: overwrite FILE' },
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
  notes: `The format: optimlab study init writes a commented starter; the JSON Schema (for editors) is ${schemaPath()}.
Question kinds: final-comparison, token-speedup, lr-sensitivity, one-factor. Optimizers: registry names, or a module's (optimizerModule: ./my-opt.ts, exporting defineOptimizer entries).`,
};

/** The published JSON Schema of study files (generated from the zod schema; see its test). */
export function schemaPath(): string {
  return fileURLToPath(new URL('../../study-file.schema.json', import.meta.url));
}

export async function runStudyCommand({ positional, flags }: Parsed): Promise<void> {
  const [action, file, extra] = positional;
  if (!action || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`optimlab study: say what to do: ${ACTIONS.join(', ')} (e.g. optimlab study check my-study.yaml).`);
  if (extra !== undefined) throw new UsageError(`optimlab study ${action}: unexpected argument "${extra}" (one study file at a time).`);
  if (action === 'init') return init(file ?? 'my-study.yaml', Boolean(flags['force']));
  if (!file) throw new UsageError(`optimlab study ${action}: name the study file (e.g. optimlab study ${action} my-study.yaml).`);
  const study = await readStudyFile(resolvePath(file));
  if (action === 'check') return check(study, flags);
  const only = flags['only'] as string | undefined;
  if (only && !study.def.phases.some((p) => p.name === only)) throw new UsageError(`optimlab study run: the ${study.def.name} study has no phase "${only}" (its phases: ${study.def.phases.map((p) => p.name).join(', ')}).`);
  const withPreset = { ...flags, ...(flags['preset'] === undefined && study.file.preset ? { preset: study.file.preset } : {}) };
  await makeStudy(study.def, withPreset, {
    command: 'study run',
    ...(study.corpus ? { corpus: study.corpus } : {}),
    ...(study.tokenizer ? { tokenizer: study.tokenizer } : {}),
    ...(study.file.model ? { model: study.file.model } : {}),
    settings: { studyFile: study.hash, ...(study.module ? { optimizerModule: study.module.hash } : {}) },
    ...(study.module ? { optimizerModule: { hash: study.module.hash, name: basename(study.module.path) } } : {}),
    studyFile: study.file,
  });
}

async function init(file: string, force: boolean): Promise<void> {
  const path = resolvePath(file);
  checkWritablePlace(dirname(path), 'optimlab study init:');
  if (!existsSync(dirname(path))) throw new UsageError(`optimlab study init: the folder ${dirname(path)} does not exist: create it, or name a file in an existing folder.`);
  if (existsSync(path) && (!force || !statSync(path).isFile())) throw new UsageError(`optimlab study init: ${path} exists: pick another name${force ? ' (it is not a file)' : ', or --force to overwrite it'}.`);
  await writeAtomically(path, STARTER.replace('https://optimlab.dev/study-file.schema.json', schemaPath()));
  console.log(`wrote ${path}: edit it, then optimlab study check ${file}`);
}

async function check(study: LoadedStudy, flags: Parsed['flags']): Promise<void> {
  const { gpu, defaultPreset } = await startGpu();
  const preset = ((flags['preset'] as string | undefined) ?? study.file.preset ?? defaultPreset) as PresetName;
  const plan = plannedRuns(study.file, preset, flags['seeds'] as number | undefined);
  const p = PRESETS[preset];
  const model = studyModel(preset, study.file.model, gpu); // before the first step is profiled
  // Time per optimizer step of each optimizer on this adapter: a few steps of each, measured now.
  const names = [...new Set(plan.map((r) => r.optimizer))];
  const profiles = await profileTrainingSteps(model, p.batchSize * p.gradAccum, names, { rounds: 2, profiledSteps: 1, top: 0 });
  const ms = new Map(profiles.map((x) => [x.optimizer, x.stepMs]));
  const seconds = (r: (typeof plan)[number], n: number) => (n * r.steps * (ms.get(r.optimizer) ?? NaN)) / 1000;
  const total = (n: 'min' | 'max') => plan.reduce((t, r) => t + seconds(r, r[n]), 0);
  const runs = (n: 'min' | 'max') => plan.reduce((t, r) => t + r[n], 0);
  const json = Boolean(flags['json']);
  if (json) return void console.log(JSON.stringify({ type: 'plan', study: study.def.name, preset, adapter: gpu.info.description, phases: study.def.phases.map((x) => x.name), runs: plan, stepMs: Object.fromEntries(ms), minRuns: runs('min'), maxRuns: runs('max'), minSeconds: total('min'), maxSeconds: total('max') }));
  const minutes = (s: number) => `${(s / 60).toFixed(s < 600 ? 1 : 0)} min`;
  console.log(`${study.path}: valid. ${study.def.title} (study "${study.def.name}", protocol ${study.def.protocol ?? 1})${study.module ? `\n  optimizer module ${study.module.path} (hash ${study.module.hash.slice(0, 12)}): ${study.module.names.join(', ')}` : ''}`);
  console.log(`  preset ${preset}; phases: ${study.def.phases.map((x) => x.name).join(' → ')}`);
  console.log('\nPlanned runs (grids extend while an optimum sits on an edge: a range):');
  for (const r of plan) console.log(`  ${r.min === r.max ? String(r.min).padStart(7) : `${r.min}–${r.max}`.padStart(7)} × ${String(r.steps).padStart(5)} steps  ${r.what}`);
  console.log(`\n${runs('min')}–${runs('max')} runs; training steps alone ${minutes(total('min'))}–${minutes(total('max'))} on ${gpu.info.description}${gpu.info.isSoftware ? ' (software)' : ''} at ${[...ms].map(([n, v]) => `${n} ${v.toFixed(0)} ms`).join(', ')} per step (measured now; evaluation and start-up add more).`);
}
