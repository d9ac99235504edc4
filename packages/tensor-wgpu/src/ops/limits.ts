/**
 * The limits the kernels are compiled for, in one place: ops check their inputs against these, and
 * the model's config validation reads them instead of repeating the numbers.
 */
import { MAX_HEAD_DIM } from './attention/attention.wgsl.js';
import { MAX_EXPERTS } from './moe/moe.wgsl.js';
import { MAX_K } from './topk/topk.wgsl.js';
import { SUBGROUP_LANES } from './variants.js';

/** The subgroup attention kernels are unrolled per head dim; past this they cost too long to compile. */
export const MAX_SUBGROUP_HEAD_DIM = 48;

export const KERNEL_LIMITS = {
  /** Largest attention head dim (the fused kernels hold a query row in registers). */
  maxHeadDim: MAX_HEAD_DIM,
  /** Largest head dim the subgroup attention kernels take (larger ones use the generic kernels). */
  maxSubgroupHeadDim: MAX_SUBGROUP_HEAD_DIM,
  /** Largest k of topk (the router's experts per token). */
  maxTopK: MAX_K,
  /** Most experts routeByExpert sorts (one workgroup counts them). */
  maxExperts: MAX_EXPERTS,
  /** Lanes the subgroup kernels need at least. */
  subgroupLanes: SUBGROUP_LANES,
} as const;
