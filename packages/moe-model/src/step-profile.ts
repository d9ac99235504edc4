/**
 * Where a training step's time goes: wall time, host (JS) time, GPU busy time by phase and by kind
 * of kernel, the GPU-idle fraction, dispatches and submits, for several optimizers measured
 * alternately (one step of each per round, so they meet the same machine noise).
 *
 * Definitions:
 * - wall: a step from the ids upload to GPU completion, with one sync at its end (median of rounds);
 * - host: the part of it JS spends recording (forward, backward, optimizer, final flush) before it
 *   awaits the GPU; on a software adapter this competes with the GPU's threads for the same cores;
 * - GPU busy: the sum of every kernel's GPU time per step, averaged over `profiledSteps` more steps
 *   under the timestamp profiler (one pass per dispatch there, so those steps run slower; kernel
 *   times are what count);
 * - GPU idle: 1 − busy / (that profiled step's own wall time): the share of a step in which no
 *   kernel ran (measured within one step, so machine noise between steps does not enter it).
 * Not a timed test: benchmarks report these; nothing asserts a speed.
 */
import { autotune, backward, requireGrad, runtimeStats, scopeAsync, startProfiling, stopProfiling, sync, flush, tensor, withProfileLabel, gpuSync, type Tensor } from '@optimlab/tensor-wgpu';
import { createOptimizer } from '@optimlab/optim';
import type { MoEConfig } from './config.js';
import { initParams } from './params.js';
import { forward } from './model.js';
import { buildOptimizer } from './lr-schedule.js';
import { resolveOptimizerConfig } from './run-config.js';

/** Kinds of kernel, first match wins; the rest is "other". */
export const KERNEL_KINDS: readonly (readonly [string, RegExp])[] = [
  ['matmul', /^matmul/],
  ['attention + RoPE', /^attention|^rope|^qkv-heads/],
  ['MoE routing + experts', /^moe-|^grouped-matmul|^gather-rows|^scatter-add-rows|^topk/],
  ['norms', /^norm-|^add-rms-norm/],
  // The fused head: the (B·T, V) logits' matmuls and the CE, chunk by chunk.
  ['LM head (linear + cross-entropy)', /^lce-/],
  ['softmax + cross-entropy', /^softmax|^ce-/],
  ['dropout + random', /^dropout|^random|^activation-dropout/],
  ['layout (transpose, slice, concat)', /^gather-strided|^scatter-strided/],
  ['Newton–Schulz kernels', /^ns-|^map:ns-/],
  ['optimizer elementwise', /^map:|^sum-squares|^sqrt-of-sum/],
  ['reductions', /^reduce-/],
];
export const OTHER_KIND = 'other elementwise';

export interface StepProfile {
  readonly optimizer: string;
  /** Median wall ms per step. */
  readonly stepMs: number;
  readonly tokensPerSecond: number;
  /** Median JS ms per step before awaiting the GPU. */
  readonly hostMs: number;
  readonly hostShare: number;
  /** Σ kernel GPU ms in the profiled step. */
  readonly gpuBusyMs: number;
  readonly gpuIdleShare: number;
  readonly dispatches: number;
  readonly submits: number;
  /** Buffer-to-buffer copies (leading-axis slices and concats): no kernel, still queue work. */
  readonly copies: number;
  /** GPU ms by phase: forward, backward, optimizer, newton-schulz (part of the optimizer, listed apart). */
  readonly phases: Readonly<Record<string, number>>;
  /** GPU ms by kind of kernel (KERNEL_KINDS, then OTHER_KIND). */
  readonly kinds: Readonly<Record<string, number>>;
  /** The most expensive kernels: [phase/kernel, ms, count]. */
  readonly top: readonly (readonly [string, number, number])[];
}

interface Runner {
  readonly name: string;
  step(seed: number): Promise<{ wall: number; host: number; dispatches: number; submits: number; copies: number }>;
  dispose(): void;
}

function makeRunner(c: MoEConfig, batch: number, name: string): Runner {
  const T = c.seqLen;
  const params = initParams(c, 1);
  for (const p of Object.values(params)) requireGrad(p);
  // "muon-ns3": Muon with 3 Newton–Schulz steps.
  const [base, ns] = name.split('-ns') as [string, string | undefined];
  const nsSteps = ns === undefined ? {} : { nsSteps: Number(ns) };
  const opt = createOptimizer(buildOptimizer(resolveOptimizerConfig({ name: base === 'muon' ? 'muon+adamw' : base, ...nsSteps }), 100), params);
  const ids = Array.from({ length: batch * T }, (_, i) => (i * 31) % c.vocabSize);
  return {
    name,
    step: async (seed) => {
      const before = runtimeStats();
      const t0 = performance.now();
      await scopeAsync(async () => {
        const x = tensor(ids, [batch, T], 'i32');
        const r = withProfileLabel('forward', () => forward(c, params, x, x, { training: true, seed }));
        withProfileLabel('backward', () => backward(r.loss));
        const grads = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.grad as Tensor]));
        withProfileLabel('optimizer', () => opt.step(grads, { loss: r.loss }));
        flush();
      });
      const t1 = performance.now();
      await sync();
      const wall = performance.now() - t0;
      const after = runtimeStats();
      for (const p of Object.values(params)) {
        p.grad?.dispose();
        p.grad = undefined;
      }
      return { wall, host: t1 - t0, dispatches: after.dispatches - before.dispatches, submits: after.submits - before.submits, copies: after.copies - before.copies };
    },
    dispose: () => {
      for (const p of Object.values(params)) p.dispose();
    },
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
};

/**
 * Profiles a training step of each optimizer (names as buildOptimizer takes them, `muon-ns3` for
 * Muon with 3 Newton–Schulz steps): one warm-up
 * step each, `rounds` alternating timed steps, then one profiled step each when the adapter has
 * timestamp queries (otherwise GPU figures are NaN).
 */
export async function profileTrainingSteps(c: MoEConfig, batch: number, optimizers: readonly string[], { rounds = 5, profiledSteps = 3, top = 8 } = {}): Promise<StepProfile[]> {
  const runners = optimizers.map((name) => makeRunner(c, batch, name));
  const samples = runners.map(() => [] as Awaited<ReturnType<Runner['step']>>[]);
  try {
    for (const r of runners) await r.step(-1);
    await autotune(); // as the trainer does after its first step
    for (let round = 0; round < rounds; round++) {
      for (const [i, r] of runners.entries()) samples[i]!.push(await r.step(round));
    }
    const profiles: StepProfile[] = [];
    for (const [i, r] of runners.entries()) {
      const gpu = await profileSteps(r, profiledSteps);
      const s = samples[i]!;
      const stepMs = median(s.map((x) => x.wall));
      const hostMs = median(s.map((x) => x.host));
      profiles.push({
        optimizer: r.name,
        stepMs,
        tokensPerSecond: (batch * c.seqLen) / (stepMs / 1000),
        hostMs,
        hostShare: hostMs / stepMs,
        gpuBusyMs: gpu.busy,
        gpuIdleShare: Math.max(0, 1 - gpu.busy / gpu.wall),
        dispatches: median(s.map((x) => x.dispatches)),
        submits: median(s.map((x) => x.submits)),
        copies: median(s.map((x) => x.copies)),
        phases: gpu.phases,
        kinds: gpu.kinds,
        top: gpu.top.slice(0, top),
      });
    }
    return profiles;
  } finally {
    for (const r of runners) r.dispose();
  }
}

async function profileSteps(r: Runner, n: number): Promise<{ busy: number; wall: number; phases: Record<string, number>; kinds: Record<string, number>; top: [string, number, number][] }> {
  if (!gpuSync().features.includes('timestamp-query')) return { busy: NaN, wall: NaN, phases: {}, kinds: {}, top: [] };
  startProfiling();
  let wall = 0;
  for (let i = 0; i < n; i++) wall += (await r.step(1000 + i)).wall / n;
  const profile = new Map([...(await stopProfiling())].map(([k, v]) => [k, { ms: v.ms / n, count: v.count / n }]));
  const phases: Record<string, number> = {};
  const kinds: Record<string, number> = Object.fromEntries([...KERNEL_KINDS.map(([k]) => [k, 0] as const), [OTHER_KIND, 0]]);
  let busy = 0;
  for (const [key, { ms }] of profile) {
    const slash = key.indexOf('/');
    const phase = slash < 0 ? 'unlabelled' : key.slice(0, slash);
    const name = key.slice(slash + 1);
    phases[phase] = (phases[phase] ?? 0) + ms;
    const kind = KERNEL_KINDS.find(([, re]) => re.test(name))?.[0] ?? OTHER_KIND;
    kinds[kind] = kinds[kind]! + ms;
    busy += ms;
  }
  if (phases['newton-schulz'] !== undefined) phases['optimizer'] = (phases['optimizer'] ?? 0) + phases['newton-schulz'];
  const top = [...profile].map(([k, v]) => [k, v.ms, v.count] as [string, number, number]).sort((a, b) => b[1] - a[1]);
  return { busy, wall, phases, kinds, top };
}

/** The profiles as printable lines: a side-by-side table, then each one's top kernels. */
export function formatStepProfiles(profiles: readonly StepProfile[]): string[] {
  const col = (s: string): string => s.padStart(16);
  const pct = (part: number, whole: number): string => `${part.toFixed(1)} (${((100 * part) / whole).toFixed(0)}%)`;
  const row = (label: string, cell: (p: StepProfile) => string): string => label.padEnd(36) + profiles.map((p) => col(cell(p))).join('');
  const lines = [
    row('', (p) => p.optimizer),
    row('step ms', (p) => p.stepMs.toFixed(1)),
    row('tokens/s', (p) => p.tokensPerSecond.toFixed(0)),
    row('host (JS) ms', (p) => pct(p.hostMs, p.stepMs)),
    row('GPU busy ms', (p) => p.gpuBusyMs.toFixed(1)),
    row('GPU idle share', (p) => `${(100 * p.gpuIdleShare).toFixed(0)}%`),
    row('dispatches / step', (p) => String(p.dispatches)),
    row('submits / step', (p) => String(p.submits)),
    row('buffer copies / step', (p) => String(p.copies)),
  ];
  lines.push('GPU ms by phase:');
  const phases = [...new Set(profiles.flatMap((p) => Object.keys(p.phases)))];
  for (const ph of phases) lines.push(row(`  ${ph}`, (p) => pct(p.phases[ph] ?? 0, p.gpuBusyMs)));
  lines.push('GPU ms by kind of kernel:');
  const kinds = [...KERNEL_KINDS.map(([k]) => k), OTHER_KIND].filter((k) => profiles.some((p) => (p.kinds[k] ?? 0) > 0));
  for (const k of kinds) lines.push(row(`  ${k}`, (p) => pct(p.kinds[k] ?? 0, p.gpuBusyMs)));
  for (const p of profiles) {
    lines.push(`top kernels, ${p.optimizer} (phase/kernel, GPU ms, count):`);
    for (const [name, ms, count] of p.top) lines.push(`  ${name.replace(/\s+/g, ' ').slice(0, 60).padEnd(60)} ${ms.toFixed(1).padStart(8)} ×${count}`);
  }
  return lines;
}
