/**
 * The WGSL vocabulary every kernel composes, each piece defined once:
 * - the uniforms: 64 words at binding 0, read through `pu(i)` (u32), `pi(i)` (i32) and `pf(i)`
 *   (f32, bitcast); storage buffers follow at bindings 1..n (`bindings`);
 * - the entry point of a 1-D kernel dispatched with grid1d, one invocation per index (`perIndex`);
 * - the workgroup tree that folds one value per lane into lane 0 (`workgroupTree`, `treeSum`).
 * Kernel-specific shared pieces live beside their op (softmaxStatsWgsl, topkInsertionWgsl,
 * ropeAngle, dropoutKeep, the strided walk of layout.wgsl.ts).
 */
export const PARAMS_WGSL = /* wgsl */ `
@group(0) @binding(0) var<uniform> params: array<vec4<u32>, 16>;
fn pu(i: u32) -> u32 { return params[i / 4u][i % 4u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
`;

/** A storage binding declaration. */
export function storage(binding: number, name: string, type: string, access: 'read' | 'read_write'): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: ${type};`;
}

/**
 * The uniforms, then one storage array per entry at bindings 1..n in the entries' order. An entry
 * is `read` or `rw` (read_write), then after a space the element type if it is not f32:
 * `bindings({ xs: 'read', idx: 'read i32', out: 'rw vec4<f32>' })`.
 */
export function bindings(buffers: Readonly<Record<string, string>>): string {
  const declarations = Object.entries(buffers).map(([name, spec], k) => {
    const [access, element = 'f32', extra] = spec.split(' ');
    if ((access !== 'read' && access !== 'rw') || extra !== undefined) {
      throw new Error(`bindings: "${name}: ${spec}" is not "read|rw [element type]".`);
    }
    return storage(k + 1, name, `array<${element}>`, access === 'rw' ? 'read_write' : 'read');
  });
  return [PARAMS_WGSL, ...declarations].join('\n');
}

/** The linear invocation index of a kernel dispatched with grid1d (needs `nwg`, `gid`). */
export const linearIndex = (size: number): string => `gid.x + gid.y * nwg.x * ${size}u`;

/** The entry point of a kernel dispatched with grid1d, up to its opening brace. */
export const mainSignature = (size: number): string =>
  `@compute @workgroup_size(${size})\nfn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>)`;

/**
 * Opens `main` of a grid1d kernel with one invocation per index: `let <index> = …;`, then the
 * statements `lets` (uniforms the bound reads), then a return for indices at `count` and past.
 * The caller writes the rest of the body and its closing brace.
 */
export const perIndex = (size: number, index: string, count: string, lets = ''): string =>
  `${mainSignature(size)} {\n  let ${index} = ${linearIndex(size)};\n  ${lets}\n  if (${index} >= ${count}) { return; }`;

/**
 * Folds a workgroup's per-lane values into lane 0: after a barrier, halving strides from size/2,
 * where each lane below the stride runs `merge(stride)` (it combines its slot with the one
 * `stride` above). A fixed order, so results are deterministic.
 */
export const workgroupTree = (size: number, lane: string, merge: (stride: string) => string): string => /* wgsl */ `
  workgroupBarrier();
  for (var stride = ${size / 2}u; stride > 0u; stride >>= 1u) {
    if (${lane} < stride) { ${merge('stride')} }
    workgroupBarrier();
  }`;

/** workgroupTree over `array[lane]` with `combine` (a sum unless given): the total ends in array[0]. */
export const treeSum = (array: string, lane: string, size: number, combine = (a: string, b: string) => `${a} + ${b}`): string =>
  workgroupTree(size, lane, (stride) => `${array}[${lane}] = ${combine(`${array}[${lane}]`, `${array}[${lane} + ${stride}]`)};`);
