/**
 * `optimlab sample DIR`: text from a run's checkpoint (a train folder, or a study's final run).
 * The tokenizer is the run's tokenizer.json, or its study's (two folders up).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, parameterShapes, resolveRunConfig, sample } from '@optimlab/moe-model';
import { tokenizerFromJson } from '@optimlab/moe-model/node';
import { CHECKSUM_KEY, decodeSafetensors, tensor } from '@optimlab/tensor-wgpu';
import { UsageError, type CommandSpec, type Parsed } from '@optimlab/flags';
import { readJson, resolvePath, startGpu } from '../context.js';
import { warn } from '../runs.js';

export const sampleCommand: CommandSpec = {
  name: 'sample',
  summary: 'text from a trained checkpoint',
  positional: 'RUN_DIR',
  flags: {
    prompt: { kind: 'string', help: 'text to continue (default "The Congress")' },
    tokens: { kind: 'int', help: 'tokens to generate (default 40)', min: 1, max: 100_000 },
    temperature: { kind: 'number', help: 'softmax temperature; 0 = greedy (default 0.8)', min: 0, max: 100 },
    'top-k': { kind: 'int', help: 'sample among the k most likely; 0 = all (default 40)', min: 0, max: 2 ** 20 },
    seed: { kind: 'int', help: 'sampling seed (default 0)', min: 0, max: 2 ** 31 - 1 },
  },
};

function findTokenizer(dir: string): string | undefined {
  for (const d of [dir, dirname(dir), dirname(dirname(dir))]) if (existsSync(join(d, 'tokenizer.json'))) return join(d, 'tokenizer.json');
  return undefined;
}

export async function runSample({ positional, flags }: Parsed): Promise<void> {
  if (positional.length !== 1) throw new UsageError('optimlab sample: give one run folder (it holds checkpoint.safetensors and config.json).');
  const dir = resolvePath(positional[0]!);
  const checkpoint = join(dir, 'checkpoint.safetensors');
  for (const f of [checkpoint, join(dir, 'config.json')]) {
    if (!existsSync(f)) throw new UsageError(`optimlab sample: ${f} is missing (train with 'optimlab train --out DIR', or pick a study's final run).`);
  }
  const tokenizerFile = findTokenizer(dir);
  if (!tokenizerFile) throw new UsageError(`optimlab sample: no tokenizer.json in ${dir} or the two folders above it.`);
  let config;
  try {
    config = resolveRunConfig(readJson(join(dir, 'config.json'), 'The run’s'));
  } catch (err) {
    throw err instanceof InputError ? new InputError(`${join(dir, 'config.json')}: ${err.message}`) : err;
  }
  let tokenizer;
  try {
    tokenizer = tokenizerFromJson(readJson(tokenizerFile, 'The tokenizer') as never, 'checkpoint tokenizer');
  } catch (err) {
    throw new InputError(`${tokenizerFile} is not a usable tokenizer (${(err as Error).message}).`);
  }
  // Decoded on the host (checksums verified), checked, then uploaded: damaged or diverged weights never reach the GPU.
  let host;
  try {
    host = decodeSafetensors(readFileSync(checkpoint), 'it');
  } catch (err) {
    throw new InputError(`${checkpoint} is not a usable checkpoint (${(err as Error).message.replace(/\.$/, '')}).`);
  }
  if (!(CHECKSUM_KEY in host.metadata)) warn(`${checkpoint} has no checksums (made by an older optimlab): sampling from it unverified.`);
  const hostParams = Object.fromEntries(Object.entries(host.tensors).filter(([k]) => k.startsWith('param/')).map(([k, v]) => [k.slice(6), v]));
  for (const [name, shape] of Object.entries(parameterShapes(config.model))) {
    const t = hostParams[name];
    if (!t || t.shape.join('x') !== shape.join('x')) {
      throw new InputError(`${checkpoint} does not match its config.json: parameter "${name}" is ${t ? `[${t.shape.join(', ')}]` : 'missing'}, the model needs [${shape.join(', ')}].`);
    }
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new InputError(`${checkpoint}: parameter "${name}" holds ${t.data[bad]} (element ${bad}): the run diverged before this checkpoint; sample from a run that finished.`);
  }
  await startGpu();
  const params = Object.fromEntries(Object.entries(hostParams).map(([name, t]) => [name, tensor(t.data, t.shape, t.dtype === 'F32' ? 'f32' : 'i32')]));
  const prompt = (flags['prompt'] as string | undefined) ?? 'The Congress';
  const ids = await sample(config.model, params, tokenizer.encode(prompt), {
    maxTokens: (flags['tokens'] as number | undefined) ?? 40,
    temperature: (flags['temperature'] as number | undefined) ?? 0.8,
    topK: (flags['top-k'] as number | undefined) ?? 40,
    seed: (flags['seed'] as number | undefined) ?? 0,
  });
  console.log(prompt + tokenizer.decode(ids));
}
