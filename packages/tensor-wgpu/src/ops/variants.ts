/**
 * Kernel variants as data. An op with several kernels (matmul, the grouped MoE matmul, attention)
 * keeps ONE table of rows; each row says which matmul variants it serves (whether it is available
 * on this adapter follows from that), whether it is eligible for the problem at hand, and how to
 * dispatch it. `pickKernel` takes the first row that serves the variant in force and is eligible,
 * so the order of a table is its order of preference and its last row is the catch-all.
 *
 * The matmul variants themselves (which exist on this adapter, which is the default) are a table
 * too, and the limits the kernels are compiled for are exported constants: the model's config
 * validation reads them instead of repeating the numbers.
 */
import type { Gpu } from '../device.js';

/**
 * The kernel families (see matmul.wgsl.ts and matmul-subgroup.wgsl.ts):
 * - `register`: per-invocation 4×4 blocks straight from storage (software adapters);
 * - `subgroup`: 8-lane subgroups sharing A by broadcast (software adapters with subgroups ≥ 8);
 * - `tiled`: 64×64 workgroup-memory tiles (hardware GPUs).
 */
export type MatmulVariant = 'register' | 'subgroup' | 'tiled';

/** Lanes the subgroup kernels are written for (lavapipe's subgroup: one AVX2 vector). */
export const SUBGROUP_LANES = 8;

export interface VariantRow {
  readonly name: MatmulVariant;
  /** Whether this adapter can run it. */
  readonly available: (gpu: Gpu) => boolean;
  /** Whether it is the default on this adapter (the first available row that says so wins). */
  readonly preferred: (gpu: Gpu) => boolean;
}

const hasSubgroups = (gpu: Gpu): boolean => gpu.subgroupMinSize !== undefined && gpu.subgroupMinSize >= SUBGROUP_LANES;

/** The matmul variants, in order of preference. */
export const MATMUL_VARIANTS: readonly VariantRow[] = [
  { name: 'tiled', available: () => true, preferred: (gpu) => gpu.variant === 'hardware' },
  { name: 'subgroup', available: hasSubgroups, preferred: (gpu) => gpu.variant === 'software' },
  { name: 'register', available: () => true, preferred: () => true },
];

/** One kernel of an op: the variants it serves, when it applies, and how to run it. */
export interface KernelRow<P> {
  /** A name for errors and reports. */
  readonly name: string;
  readonly serves: readonly MatmulVariant[];
  readonly eligible: (problem: P) => boolean;
  readonly dispatch: (problem: P) => void;
}

/** The first row serving `variant` that is eligible for `problem`; throws naming the op if none. */
export function pickKernel<P>(op: string, rows: readonly KernelRow<P>[], variant: MatmulVariant, problem: P): KernelRow<P> {
  const row = rows.find((r) => r.serves.includes(variant) && r.eligible(problem));
  if (!row) throw new Error(`${op}: no kernel for this problem under the ${variant} variant (rows: ${rows.map((r) => r.name).join(', ')}).`);
  return row;
}

/** The variants this adapter can run. */
export const availableVariants = (gpu: Gpu): MatmulVariant[] => MATMUL_VARIANTS.filter((v) => v.available(gpu)).map((v) => v.name);

/** The variant used on this adapter unless forced. */
export function preferredVariant(gpu: Gpu): MatmulVariant {
  return MATMUL_VARIANTS.find((v) => v.available(gpu) && v.preferred(gpu))!.name;
}
