/**
 * `@optimlab/tensor-wgpu/testing`: helpers for tests of code built on this package — seeded
 * random arrays, `allclose`, the vitest hooks that acquire and release the GPU — and the float64
 * CPU references (plain loops) our kernels are checked against, for other packages' reference tests.
 * Nothing here uses Node built-ins or depends on vitest.
 */
export { allclose } from './test/allclose.js';
export { randomArray } from './test/random.js';
export { installGpuTestHooks } from './test/hooks.js';
export { matmulAddRef, matmulRef } from './ops/matmul/matmul.ref.js';
export { normalizeMatricesRef } from './ops/normalize/normalize.ref.js';
export { normRef } from './ops/norm/norm.ref.js';
export { ropeRef } from './ops/rope/rope.ref.js';
export { causalAttentionRef } from './ops/attention/attention.ref.js';
export { softmaxRef } from './ops/softmax/softmax.ref.js';
export { topkRef } from './ops/topk/topk.ref.js';
export { crossEntropyRef } from './ops/cross-entropy/cross-entropy.ref.js';
export { linearCrossEntropyRef } from './ops/linear-cross-entropy/linear-cross-entropy.ref.js';
export { transposeRef } from './ops/layout/layout.ref.js';
export { philoxRef } from './ops/random/philox.ref.js';
export { eighRef, qrRef, rayleighOrderRef } from './ops/linalg/linalg.ref.js';
