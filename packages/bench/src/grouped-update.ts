/**
 * One AdamW-shaped elementwise update over the `cpu` preset's parameters, as one dispatch per
 * parameter (`mapInPlace`) and grouped (`mapInPlaceGrouped`, what optim's elementwise stages run),
 * timed alternately to GPU completion; medians. Not a suite: a check of what grouping saves.
 * Run: pnpm --filter @optimlab/bench exec tsx --conditions=@optimlab/source src/grouped-update.ts
 */
import { destroyDevice, getGpu, mapInPlace, mapInPlaceGrouped, membersPerDispatch, randNormal, sync, type Tensor } from '@optimlab/tensor-wgpu';
import { initParams, PRESETS } from '@optimlab/moe-model';

await getGpu();
const params = Object.values(initParams(PRESETS.cpu.model, 1));
// (gradient, parameter, mu, nu) per parameter
const sets: Tensor[][] = params.map((p, i) => [randNormal(p.shape, { seed: 3, stream: i }).keep(), p, randNormal(p.shape, { seed: 4, stream: i }).keep(), randNormal(p.shape, { seed: 5, stream: i }).keep()]);
const body = 'out1 = s0 * out1 + (1.0 - s0) * in0; out2 = s1 * out2 + (1.0 - s1) * in0 * in0; out0 = out0 - s2 * ((out1 / s3) / (sqrt(abs(out2) / s4) + s5) + s6 * out0);';
const scalars = [0.9, 0.95, 1e-3, 0.1, 0.05, 1e-8, 0.1];
const perParameter = async (): Promise<void> => {
  for (const [g, p, m, v] of sets) mapInPlace({ name: 'grouped-update', body, inputs: [g!], outputs: [p!, m!, v!], scalars });
  await sync();
};
const grouped = async (): Promise<void> => {
  mapInPlaceGrouped({ name: 'grouped-update', body, members: sets.map(([g, p, m, v]) => ({ inputs: [g!], outputs: [p!, m!, v!] })), scalars });
  await sync();
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const fns = [perParameter, grouped];
for (const f of fns) await f(); // compile
const times: number[][] = [[], []];
for (let round = 0; round < 31; round++) {
  for (const j of round % 2 ? [1, 0] : [0, 1]) {
    const t0 = performance.now();
    await fns[j]!();
    times[j]!.push(performance.now() - t0);
  }
}
const [a, b] = [median(times[0]!), median(times[1]!)];
const floats = params.reduce((n, p) => n + p.size, 0);
console.log(`${sets.length} parameters (${floats} floats); 31 alternating rounds, ms to GPU completion (medians):`);
console.log(`  one dispatch per parameter ${a.toFixed(2)}; grouped, ${Math.ceil(sets.length / membersPerDispatch(4, scalars.length))} dispatches, ${b.toFixed(2)}; ratio ${(a / b).toFixed(2)}`);
await destroyDevice();
