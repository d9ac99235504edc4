/** @optimlab/moe-model: the thesis MoE transformer on tensor-wgpu. */
export { makeConfig, validateConfig, PRESETS } from './config.js';
export type { MoEConfig, PresetName } from './config.js';
export { countParameters, initParams, parameterShapes } from './params.js';
export type { ParamShapes } from './params.js';
export { forward } from './model.js';
export type { ForwardOptions, ForwardResult } from './model.js';
export { moeForward } from './moe.js';
export type { MoEOutput, MoEWeights, Randomness } from './moe.js';
