/**
 * @optimlab/tensor-wgpu: f32 tensors on WebGPU with hand-written WGSL kernels and reverse-mode
 * autodiff. This file is the package's public surface everywhere (browsers included: no Node
 * built-ins). Node adds Dawn through index.node.ts and file I/O through node.ts (`./node`); test
 * helpers and the float64 CPU references are in testing.ts (`./testing`).
 */
export { getGpu, gpuSync, destroyDevice, NoAdapterError, GpuError } from './device.js';
export type { Gpu, AdapterDescription, KernelVariant } from './device.js';
export type { WebGpu, WebGpuAdapter, WebGpuBuffer, WebGpuDevice, WebGpuSupportedLimits } from './webgpu-types.js';
export { memoryStats, resetPeakMemory, sizeClass, trimPool } from './buffer.js';
export type { MemoryStats } from './buffer.js';
export { flush, sync, runtimeStats, startProfiling, stopProfiling, withProfileLabel } from './runtime.js';
export { Tensor, scope, scopeAsync, shapeStr as shapeOf } from './tensor.js';
export type { DType, Shape } from './tensor.js';
export { tensor, zeros, ones, full } from './creation.js';
export { backward } from './autodiff/tape.js';
export { isGradEnabled, noGrad, requireGrad } from './autodiff/record.js';
export type { OpName, OpAttrs } from './autodiff/op-attrs.js';
export {
  unary, binary, compare, where, broadcastTo, fill, addInPlace, copy,
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, sqrt, rsqrt, abs, sign, tanh, sigmoid,
  relu, silu, gelu, square, mulScalar, addScalar, powScalar,
} from './ops/elementwise/elementwise.js';
export type { UnaryFn, BinaryFn, CompareFn } from './ops/elementwise/elementwise.js';
export { reduce, sum, mean, max, sumAll, meanAll, sumToShape } from './ops/reduce/reduce.js';
export { reshape, transpose, slice, concat } from './ops/layout/layout.js';
export { defaultMatmulVariant, matmul, matmulAdd, matmulVariants, setMatmulVariant } from './ops/matmul/matmul.js';
export type { MatmulAddOptions, MatmulOptions, MatmulVariant } from './ops/matmul/matmul.js';
export { normalizeMatrices } from './ops/normalize/normalize.js';
export { addIdentity } from './ops/normalize/add-identity.js';
export { EIGH_SWEEPS, householderQ, rayleighOrder, symmetricEigh } from './ops/linalg/linalg.js';
export type { Eigh } from './ops/linalg/linalg.js';
export { MATMUL_KERNELS } from './ops/matmul/matmul.js';
export { ATTENTION_KERNELS } from './ops/attention/attention.js';
export { GROUPED_MATMUL_KERNELS } from './ops/moe/moe.js';
export { MATMUL_VARIANTS, SUBGROUP_LANES } from './ops/variants.js';
export {
  adapterKey, autotune, autotuneMode, kernelPicks, memoryTuningStore, pendingTuning, setAutotuneMode, setTuningStore, tunedChoices, tuningStore,
} from './ops/autotune.js';
export type { AutotuneMode, AutotuneOptions, TunedChoice, TuningFile, TuningStore } from './ops/autotune.js';
export type { KernelRow, VariantRow } from './ops/variants.js';
export { KERNEL_LIMITS } from './ops/limits.js';
export type { NormalizeOptions } from './ops/normalize/normalize.js';
export { randUniform, randNormal } from './ops/random/random.js';
export { softmax, logSoftmax } from './ops/softmax/softmax.js';
export { crossEntropy } from './ops/cross-entropy/cross-entropy.js';
export type { CrossEntropyOptions } from './ops/cross-entropy/cross-entropy.js';
export {
  linearCrossEntropy, linearCrossEntropyChunkRows, linearCrossEntropyWithStats, setLinearCrossEntropyChunkRows,
} from './ops/linear-cross-entropy/linear-cross-entropy.js';
export type { LinearCrossEntropyOptions, LinearCrossEntropyResult } from './ops/linear-cross-entropy/linear-cross-entropy.js';
export { rmsNorm, layerNorm } from './ops/norm/norm.js';
export type { NormOptions } from './ops/norm/norm.js';
export { gatherRows, scatterAddRows, embedding } from './ops/rows/rows.js';
export type { RowIndexOptions } from './ops/rows/rows.js';
export { topk } from './ops/topk/topk.js';
export { dropout } from './ops/dropout/dropout.js';
export type { DropoutOptions } from './ops/dropout/dropout.js';
export { rope } from './ops/rope/rope.js';
export type { RopeOptions } from './ops/rope/rope.js';
export { causalAttention } from './ops/attention/attention.js';
export type { AttentionOptions } from './ops/attention/attention.js';
export { globalNorm } from './ops/global-norm/global-norm.js';
export { mapInPlace } from './ops/map/map.js';
export type { MapInPlace } from './ops/map/map.js';
export { mapInPlaceGrouped, membersPerDispatch } from './ops/map/map-grouped.js';
export type { MapGroupMember, MapInPlaceGrouped } from './ops/map/map-grouped.js';
export { CHECKSUM_KEY, decodeSafetensors, encodeSafetensors, tensorsFromSafetensors, tensorsToSafetensors } from './io/safetensors.js';
export { crc32 } from './io/crc32.js';
export type { HostTensor } from './io/safetensors.js';
export { rng } from './rng.js';
export { groupedMatmul, routeByExpert } from './ops/moe/moe.js';
export { combineExperts } from './ops/moe/combine.js';
export { balanceLoss } from './ops/moe/balance.js';
export { routerGates, type RouterGates } from './ops/moe/router.js';
export { qkvHeads, type QkvHeadsOptions } from './ops/heads/heads.js';
export { addRmsNorm, type AddRmsNormOptions } from './ops/norm/add-norm.js';
export { activationDropout } from './ops/dropout/activation-dropout.js';
export type { Routing } from './ops/moe/moe.js';
