/** @optimlab/optim: optimizers as composable gradient transformations with fused WGSL updates. */
export { applyUpdates, identity, stepWith, valueAt, zerosLike } from './base.js';
export type { GradientTransformation, Params, Schedule, ScalarOrSchedule, UpdateExtras } from './base.js';
export { chain, partition } from './combine.js';
export type { LabelFn, PartitionState } from './combine.js';
export { hiddenMatrixLabels, isHiddenMatrix, isMatrixShape, NOT_HIDDEN } from './partition-rule.js';
export type { MatrixKind } from './partition-rule.js';
export {
  addDecayedWeights, scaleByAdam, scaleByLearningRate, scaleByLion, scaleByRms, scaleByRss, scaleByShape, scaleBySign, traceMomentum,
} from './transforms/elementwise.js';
export type { AdamOptions, TraceOptions } from './transforms/elementwise.js';
export { elementwiseTransform } from './transforms/elementwise-transform.js';
export type { ElementwiseSpec, ElementwiseState, ElementwiseTransformation } from './transforms/elementwise-transform.js';
export { clipByGlobalNorm, clipGradientsInPlace } from './transforms/clip-by-global-norm.js';
export { COEFFICIENTS, DION, KELLER, POLAR_EXPRESS, newtonSchulz } from './transforms/newton-schulz.js';
export type { CoefficientSet, NewtonSchulzCoefficients, NewtonSchulzOptions } from './transforms/newton-schulz.js';
export { orthogonalize, orthogonalizeMatrices } from './transforms/orthogonalize.js';
export type { OrthogonalizeOptions } from './transforms/orthogonalize.js';
export { muonScale } from './transforms/muon-scale.js';
export type { MuonScale } from './transforms/muon-scale.js';
export type { QkvSplit, SplitOptions } from './transforms/qkv-split.js';
export {
  adagrad, adam, adamw, ademamix, lion, momentum, momo, muon, muonH, muonMax, muonMaxMomo, muonMomo, muonWithAdamW, nesterov, normuon, rmsprop, sgd, shampoo, soap,
  signSgd, signum, thesisLabels,
} from './alias.js';
export { scaleByShampoo } from './advanced/shampoo.js';
export { scaleBySoap, soapStep } from './advanced/soap.js';
export type { SoapOptions, SoapState } from './advanced/soap.js';
export { ademamixAlpha, ademamixBeta3, scaleByAdemamix } from './transforms/ademamix.js';
export type { AdemamixOptions } from './transforms/ademamix.js';
export { normalizeNeurons } from './transforms/neuron-norm.js';
export type { NeuronNormState } from './transforms/neuron-norm.js';
export type { ShampooOptions, ShampooState } from './advanced/shampoo.js';
export { inverseRoot } from './advanced/inverse-root.js';
export { hyperballStep } from './advanced/muonh.js';
export type { MomoOptions, MomoState } from './advanced/momo.js';
export type { MuonMaxOptions, MuonMaxState } from './advanced/muonmax.js';
export type { AdamWOptions, LionOptions, MomentumOptions, MuonOptions, SgdOptions } from './alias.js';
export { defineOptimizer } from './registry/define.js';
export type { OptimizerDefinition, Options as OptimizerOptions, Resolved as ResolvedOptions } from './registry/define.js';
export {
  constant, cosineDecay, joinSchedules, linear, stepDecay, warmupConstant, warmupCosineDecay, warmupLinearDecay,
} from './schedules.js';
export type { WarmupOptions } from './schedules.js';
export { createOptimizer, optimizerByName } from './optimizer.js';
export type { Optimizer } from './optimizer.js';
export {
  findOptimizer, makeOptimizer, matrixLabels, optimizerNames, OptimizerOptionsError, OPTIMIZERS, registerOptimizers, resolveHyper, resolveOptimizer, unsupportedParameter,
} from './registry/registry.js';
export type { BaseOptimizerName, OptimizerSpec, ParamKind, ResolvedOptimizer } from './registry/registry.js';
export { describeOptimizers } from './registry/describe.js';
export { fieldInfo, flag, formatIssues, integer, oneOf, rangeText, real } from './registry/fields.js';
export type { FieldInfo, Range } from './registry/fields.js';
export { showValue, truncate } from './registry/show-value.js';
export { checkpointToSafetensors, restoreCheckpoint } from './checkpoint.js';
