/**
 * `optimlab reproduce`: a whole study into one folder (runs/, study.json, summary.md, plots,
 * report.html), resumable. A folder made with another study, preset, corpus, tokenizer or model is
 * refused, so a study folder never mixes runs from different settings.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { differingFields, InputError, PRESETS, validateConfig, type MoEConfig, type PresetName } from '@optimlab/moe-model';
import { LADDER, LADDER_STEPS } from '@optimlab/optim/ladder';
import type { Gpu } from '@optimlab/tensor-wgpu';
import { writeAtomically } from '@optimlab/tensor-wgpu/node';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { cacheDir, checkFits, checkOutputFolder, DATA_FLAGS, describeModel, environmentOf, OUTPUT_FLAGS, PRESET_FLAG, QUEUE_FLAG, resolvePath, startGpu, workDir } from '../context.js';
import { prepareData } from '../data.js';
import { createProgress } from '../progress.js';
import { checkQueue, queueAddress, queueRunnerFor } from '../queue/options.js';
import { localRunner, type Runner } from '../runner.js';
import { runPhases, studyView, type StudyDefinition, type StudyState, type StudyView } from '../study/engine.js';
import { CURVES_CSV, hasRawData, readRawView, RUNS_CSV, writeRawData } from '../study/raw-data.js';
import { STUDY_FILE_COPY, studyFromCopy } from '../study/file/read.js';
import { STUDIES } from '../study/index.js';
import { readStudyState } from '../study/state-file.js';
import { writeStudyReport } from '../study/report.js';
import { runLadder, writeLadder } from './ladder.js';

const phaseNames = [...new Set(Object.values(STUDIES).flatMap((s) => s.phases.map((p) => p.name)))];

export const reproduceCommand: CommandSpec = {
  name: 'reproduce',
  summary: 'a published optimizer study end to end: runs, tables with statistics and verdicts, plots, report.html',
  flags: {
    study: { kind: 'string', help: 'which study (default thesis; see --list)', choices: Object.keys(STUDIES) },
    list: { kind: 'switch', help: 'list the studies' },
    preset: PRESET_FLAG,
    seeds: { kind: 'int', help: 'seeds of the seeded comparisons (default: the study’s, e.g. 5 on cpu)', min: 1, max: 100 },
    only: { kind: 'string', help: 'stop after this phase', choices: phaseNames },
    ladder: { kind: 'switch', help: 'also run the optimizer ladder into the study folder' },
    out: { kind: 'string', help: 'study folder (default runs/<date>_<study>-<preset>, the latest one resumed)', value: 'DIR' },
    queue: QUEUE_FLAG,
    ...DATA_FLAGS,
    ...OUTPUT_FLAGS,
  },
};

/** The settings a study folder is tied to: another value here means another study. */
function settingsOf(def: StudyDefinition, preset: PresetName, data: { corpusName: string; fingerprint: string; tokenizer: { name: string } }, model: MoEConfig = PRESETS[preset].model): Record<string, unknown> {
  return { study: def.name, protocol: def.protocol ?? 1, preset, model, horizons: PRESETS[preset].study, corpus: data.corpusName, tokenizer: data.tokenizer.name, data: data.fingerprint };
}

export async function runReproduce({ flags }: Parsed): Promise<void> {
  if (flags['list']) {
    for (const [name, s] of Object.entries(STUDIES)) console.log(`${name.padEnd(12)}${s.summary}`);
    return;
  }
  const def = STUDIES[(flags['study'] as string | undefined) ?? 'thesis']!;
  await makeStudy(def, flags, { command: 'reproduce' });
}

/**
 * The model a study runs: the preset's with a study file's overrides, checked whole, and checked to
 * fit `gpu` (this adapter, when the runs are made here; with a queue, the workers' adapters decide).
 */
export function studyModel(preset: PresetName, overrides: Partial<MoEConfig> | undefined, gpu: Gpu | undefined): MoEConfig {
  const model: MoEConfig = { ...PRESETS[preset].model, ...overrides };
  validateConfig(model);
  if (gpu) checkFits(gpu, model, PRESETS[preset].batchSize);
  return model;
}

/** What a study file adds to `makeStudy`: its data, its identity and its optimizer module. */
export interface StudyExtras {
  readonly command: string;
  /** The data when no flag names it (a study file's, resolved against the file). */
  readonly corpus?: string;
  readonly tokenizer?: string;
  /** More settings the folder is tied to (e.g. the study file's hash). */
  readonly settings?: Record<string, unknown>;
  /** The content hash of the optimizer module the runs need (sent to queue workers). */
  readonly optimizerModule?: { readonly hash: string; readonly name: string };
  /** Model fields that differ from the preset's. */
  readonly model?: Partial<MoEConfig>;
  /** The study file's data, kept in the folder as study-file.json (so that `optimlab report DIR` re-renders it). */
  readonly studyFile?: unknown;
}

/**
 * Runs a study into its folder (runs/, study.json, runs.csv, curves.csv, summary.md, plots,
 * report.html), resuming what is there and refusing a folder made with other settings.
 */
export async function makeStudy(def: StudyDefinition, flags: Parsed['flags'], extras: StudyExtras): Promise<void> {
  const command = extras.command;
  const only = flags['only'] as string | undefined;
  if (only && !def.phases.some((p) => p.name === only)) throw new UsageError(`optimlab ${command}: the ${def.name} study has no phase "${only}" (its phases: ${def.phases.map((p) => p.name).join(', ')}).`);
  const out = flags['out'] === undefined ? undefined : resolvePath(flags['out'] as string);
  if (out) checkOutputFolder(out, '--out', 'study.json');
  const queue = queueAddress(command, flags);
  if (queue && flags['ladder']) throw new UsageError(`optimlab ${command}: --ladder runs on this machine; run it without --queue (or run optimlab ladder on its own).`);
  if (queue) await checkQueue(queue, command);
  // With a queue the runs are made on the workers' GPUs: this machine needs none.
  const local = queue ? undefined : await startGpu();
  const preset = (flags['preset'] as PresetName | undefined) ?? local!.defaultPreset;
  const model = studyModel(preset, extras.model, local?.gpu); // before any file work
  const corpus = (flags['corpus'] as string | undefined) ?? extras.corpus;
  const data = await prepareData({ corpus, tokenizer: (flags['tokenizer'] as string | undefined) ?? extras.tokenizer ?? 'bpe', vocabSize: model.vocabSize, seqLen: model.seqLen, cacheDir: cacheDir() });
  if (data.tokenizer.vocabSize > model.vocabSize) throw new InputError(`The tokenizer has ${data.tokenizer.vocabSize} tokens but the ${preset} model's vocabulary is ${model.vocabSize}: use --tokenizer bpe or a larger preset.`);
  const name = `${def.name}-${preset}`;
  const runsRoot = join(workDir(), 'runs');
  const latest = existsSync(runsRoot) ? readdirSync(runsRoot).filter((d) => d.endsWith(`_${name}`)).sort().pop() : undefined;
  const dir = out ?? join(runsRoot, latest ?? `${new Date().toISOString().slice(0, 10)}_${name}`);
  const settings = { ...settingsOf(def, preset, data, model), ...extras.settings };
  const stateFile = join(dir, 'study.json');
  const state: StudyState = existsSync(stateFile) ? readStudyState(stateFile) : { settings, entries: [], extensions: [] };
  const differ = differingFields(state.settings, settings);
  if (differ.length) throw new UsageError(`optimlab ${command}: ${dir} holds a study made with other settings (${differ.slice(0, 5).join(', ')}): use another --out; a study folder never mixes runs.`);
  const seeds = (flags['seeds'] as number | undefined) ?? def.defaultSeeds(preset);
  state.seeds = seeds;
  mkdirSync(join(dir, 'runs'), { recursive: true });
  await writeAtomically(stateFile, JSON.stringify(state, null, 2));
  await writeAtomically(join(dir, 'tokenizer.json'), JSON.stringify(data.tokenizer.json));
  if (extras.studyFile !== undefined) await writeAtomically(join(dir, STUDY_FILE_COPY), JSON.stringify(extras.studyFile, null, 2));
  const progress = createProgress({ json: Boolean(flags['json']), quiet: Boolean(flags['quiet']) });
  const dataFlags = { ...flags, ...(corpus === undefined ? {} : { corpus }), ...(extras.tokenizer && flags['tokenizer'] === undefined ? { tokenizer: extras.tokenizer } : {}) };
  const runner: Runner = queue ? await queueRunnerFor(queue, dir, data, model.vocabSize, dataFlags, extras.optimizerModule) : localRunner({ data, progress, environment: environmentOf(local!.gpu) });
  const start = performance.now();
  try {
    await runPhases(def, { dir, preset, seeds, state, runner, only, ...(extras.model ? { model: extras.model } : {}) });
  } finally {
    await runner.close();
  }
  progress.done(new Set(state.entries.map((e) => e.run)).size, (performance.now() - start) / 1000);
  if (local && flags['ladder'] && !existsSync(join(dir, 'ladder', 'ladder.md'))) {
    const steps = preset === 'smoke' ? 40 : local.gpu.info.isSoftware ? LADDER_STEPS.software : LADDER_STEPS.gpu;
    await writeLadder(join(dir, 'ladder'), await runLadder(join(dir, 'ladder'), { steps, names: preset === 'smoke' ? ['adamw', 'muon'] : Object.keys(LADDER) }), steps);
  }
  await writeStudyReport(dir, def, await rawView(dir, studyView(dir, preset, seeds, state)), { model: describeModel(model), corpus: data.corpusName, tokenizer: data.tokenizer.name });
  if (!flags['quiet'] && !flags['json']) console.log(`\nreport: ${join(dir, 'summary.md')} and ${join(dir, 'report.html')}`);
}

/** Writes runs.csv and curves.csv from the run folders, and reads the view back from them. */
async function rawView(dir: string, fromRuns: StudyView): Promise<StudyView> {
  await writeRawData(dir, fromRuns);
  return readRawView(dir, fromRuns);
}

/** `optimlab report` on a study folder: the same report from study.json and the runs. */
export async function reportStudy(dir: string): Promise<void> {
  const state = readStudyState(join(dir, 'study.json'));
  const s = state.settings as { study: string; preset: PresetName; corpus: string; tokenizer: string };
  const def = existsSync(join(dir, STUDY_FILE_COPY)) ? studyFromCopy(join(dir, STUDY_FILE_COPY)) : Object.hasOwn(STUDIES, s.study) ? STUDIES[s.study] : undefined;
  if (!def || !Object.hasOwn(PRESETS, s.preset)) throw new UsageError(`optimlab report: ${join(dir, 'study.json')} names an unknown study or preset (${s.study}, ${s.preset}).`);
  const fromRuns = studyView(dir, s.preset, state.seeds ?? 1, state);
  // The run folders, when the folder has them, refresh runs.csv and curves.csv; the report reads those alone.
  if (!existsSync(join(dir, 'runs')) && !hasRawData(dir)) throw new UsageError(`optimlab report: ${dir} has neither run folders (runs/) nor ${RUNS_CSV} and ${CURVES_CSV}: nothing to report.`);
  const view = existsSync(join(dir, 'runs')) ? await rawView(dir, fromRuns) : readRawView(dir, fromRuns);
  await writeStudyReport(dir, def, view, { model: describeModel((state.settings['model'] as MoEConfig | undefined) ?? PRESETS[s.preset].model), corpus: s.corpus, tokenizer: s.tokenizer });
}
