/** `pnpm gpu:info`: the adapter Dawn picked, whether it is software, its limits and features. */
import { defaultMatmulVariant, destroyDevice, getGpu, KERNEL_LIMITS, MATMUL_VARIANTS, NoAdapterError } from '../index.node.js';

try {
  const gpu = await getGpu();
  const { info } = gpu;
  console.log(`adapter:      ${info.vendor} ${info.architecture} ${info.device}`.trimEnd());
  console.log(`description:  ${info.description}`);
  console.log(`backend:      ${info.backend}`);
  console.log(`kind:         ${info.isSoftware ? 'software (CPU)' : 'hardware'}; kernels: ${gpu.variant}; matmul: ${defaultMatmulVariant(gpu)}`);
  const subgroups = gpu.subgroupMinSize === undefined ? 'not enabled' : `${gpu.subgroupMinSize} lanes or more`;
  console.log(`subgroups:    ${subgroups}`);
  console.log(`variants:     ${MATMUL_VARIANTS.map((v) => `${v.name} ${v.available(gpu) ? 'available' : 'unavailable'}`).join(', ')}`);
  console.log(`limits of the kernels: ${Object.entries(KERNEL_LIMITS).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log('limits:');
  for (const key of Object.keys(Object.getPrototypeOf(gpu.limits) as object).concat(Object.keys(gpu.limits)).sort()) {
    const value = (gpu.limits as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') console.log(`  ${key.padEnd(44)} ${value}`);
  }
  console.log(`features:     ${gpu.features.join(', ') || '(none)'}`);
  await destroyDevice();
} catch (err) {
  if (err instanceof NoAdapterError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
