/**
 * `@optimlab/moe-model/node`: the Node-only pieces. The training loop (it checkpoints to disk),
 * corpora (SOTU, user files), tokenizers loaded from files, and batching with its on-disk token-id
 * cache. The model itself is in the main entry.
 */
export { buildOptimizer, lrSchedule } from './lr-schedule.js';
export { train } from './train.js';
export type { StepInfo, TrainCallbacks, TrainOptions, TrainResult } from './train.js';
export { evaluate } from './evaluate.js';
export type { EvalInfo } from './evaluate.js';
export { loadCorpus, loadSotu, splitDocuments } from './data/corpus.js';
export type { Document } from './data/corpus.js';
export { gpt2Tokenizer, loadTokenizerFile, tokenizerFromJson } from './data/tokenizer.js';
export type { TextTokenizer } from './data/tokenizer.js';
export { cacheKey, encodeDocuments, evalBatches, makeBlocks, trainBatch, unigramEntropy } from './data/dataset.js';
export type { Batch, Blocks } from './data/dataset.js';
export { formatStepProfiles, KERNEL_KINDS, profileTrainingSteps } from './step-profile.js';
export type { StepProfile } from './step-profile.js';
