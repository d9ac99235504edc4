/**
 * @optimlab/moe-model: the thesis MoE transformer on tensor-wgpu. This entry runs anywhere WebGPU
 * does (browsers included). The data pipeline (corpora, tokenizer files, the token-id cache) and
 * the training loop (checkpoints on disk) touch the file system: they are in `./node` (node.ts).
 */
export { moeConfigSchema, THESIS_MODEL, validateConfig } from './config.js';
export type { MoEConfig } from './config.js';
export { makeConfig, PRESET_NAMES, PRESETS } from './presets.js';
export type { Preset, PresetName } from './presets.js';
export { countParameters, initParams, parameterShapes } from './params.js';
export type { ParamShapes } from './params.js';
export { forward, forwardHidden, lastLogits } from './model.js';
export type { ForwardOptions, ForwardResult, HiddenResult } from './model.js';
export { checkModelFits, describeBatchPlan, describePresetBatches, evenSplit, planBatch } from './batch-plan.js';
export type { BatchPlan, DeviceLimits, PlanOptions } from './batch-plan.js';
export { forwardBackward, splitBatch, subBatchSeed } from './sub-batches.js';
export type { MicroBatchLoss } from './sub-batches.js';
export { moeForward } from './moe.js';
export type { MoEOutput, MoEWeights, Randomness } from './moe.js';
export { DEFAULT_OPTIMIZER, differingFields, hyperOf, resolveOptimizerConfig, resolveRunConfig, runConfigDefault, SCHEDULES } from './run-config.js';
export type { OptimizerConfig, RunConfigInput, ScheduleKind, TrainConfig } from './run-config.js';
export { sample } from './sample.js';
export type { SampleOptions } from './sample.js';
export { bytesToUnicode, trainBpe, trainBpeAsync, END_OF_TEXT } from './data/bpe.js';
export { InputError } from './errors.js';
