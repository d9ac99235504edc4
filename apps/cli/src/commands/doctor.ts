/**
 * `optimlab doctor`: the adapter and its kernels, the corpus, the tokenizers, and every preset
 * (model size, batch, study horizons). `--json` prints the same as one object.
 */
import { countParameters, describePresetBatches, PRESETS } from '@optimlab/moe-model';
import { gpt2Tokenizer, loadSotu } from '@optimlab/moe-model/node';
import { autotuneMode, defaultMatmulVariant, matmulVariants, NoAdapterError, tunedChoices, tuningStore } from '@optimlab/tensor-wgpu';
import type { CommandSpec, Parsed } from '@optimlab/flags';
import { cacheDir, describeModel, startGpu } from '../context.js';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'adapter, kernels, corpus, tokenizers and presets on this machine',
  flags: { json: { kind: 'switch', help: 'print one JSON object' } },
};

export async function runDoctor({ flags }: Parsed): Promise<void> {
  const report: Record<string, unknown> = {};
  let plans: Record<string, string> = {};
  try {
    const { gpu, defaultPreset } = await startGpu();
    report['adapter'] = { ...gpu.info, kernels: gpu.variant, matmul: defaultMatmulVariant(gpu), matmulVariants: matmulVariants(gpu), defaultPreset };
    // The autotuner's cached kernel choices for this adapter (filled by the first step of a run).
    report['kernelTuning'] = { mode: autotuneMode(), cache: tuningStore().location, choices: tunedChoices(gpu) };
    // How each preset's micro-batch runs on this adapter (whole, or as sub-batches that fit its limits).
    plans = Object.fromEntries(describePresetBatches(gpu.limits).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
  } catch (err) {
    if (!(err instanceof NoAdapterError)) throw err;
    report['adapter'] = { error: err.message };
    process.exitCode = 1;
  }
  const docs = loadSotu();
  report['corpus'] = { name: 'SOTU', documents: docs.length, characters: docs.reduce((n, d) => n + d.text.length, 0) };
  report['tokenizers'] = { gpt2: gpt2Tokenizer().vocabSize, bpe: `trained on demand, cached in ${cacheDir()}` };
  report['presets'] = Object.fromEntries(
    Object.entries(PRESETS).map(([name, p]) => [
      name,
      { summary: p.summary, parameters: countParameters(p.model).total, model: p.model, batchSize: p.batchSize, gradAccum: p.gradAccum, evalEvery: p.evalEvery, study: p.study, onThisAdapter: plans[name] ?? null },
    ]),
  );
  if (flags['json']) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const a = report['adapter'] as { error?: string; description?: string; isSoftware?: boolean; kernels?: string; matmul?: string; matmulVariants?: string[]; defaultPreset?: string };
  console.log(a.error ? `adapter: none — ${a.error}` : `adapter: ${a.description} (${a.isSoftware ? 'software' : 'hardware'}); default preset: ${a.defaultPreset}`);
  if (!a.error) console.log(`kernels: ${a.kernels}; matmul: ${a.matmul} (variants here: ${a.matmulVariants!.join(', ')})`);
  const tuning = report['kernelTuning'] as { mode: string; cache: string; choices: Record<string, { kernel: string; ms: Record<string, number>; timedOn: string }> } | undefined;
  if (tuning) {
    const classes = Object.entries(tuning.choices);
    console.log(`kernel tuning: ${tuning.mode}; ${classes.length} shape classes cached in ${tuning.cache}${classes.length ? '' : ' (the first step of a run tunes them)'}`);
    for (const [key, c] of classes) {
      const others = Object.entries(c.ms).filter(([k]) => k !== c.kernel).map(([k, ms]) => `${k} ${ms} ms`).join(', ');
      console.log(`  ${key} → ${c.kernel} (${c.ms[c.kernel]} ms at ${c.timedOn}${others ? `; ${others}` : ''})`);
    }
  }
  console.log(`corpus: SOTU, ${docs.length} documents, ${((report['corpus'] as { characters: number }).characters / 1e6).toFixed(1)} M characters`);
  console.log(`tokenizers: GPT-2 (${gpt2Tokenizer().vocabSize} tokens) available; BPE trained on demand, cached in ${cacheDir()}`);
  for (const [name, p] of Object.entries(PRESETS)) {
    console.log(`preset ${name}: ${describeModel(p.model)}; batch ${p.batchSize}×${p.model.seqLen}${p.gradAccum > 1 ? ` × ${p.gradAccum} accumulated` : ''}; study horizons ${p.study.short}/${p.study.long} optimizer steps${plans[name] ? `\n  ${plans[name]}` : ''}`);
  }
}
