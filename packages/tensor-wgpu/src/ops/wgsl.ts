/**
 * The WGSL conventions every kernel shares: uniforms are 64 words at binding 0 read through `pu(i)`
 * (u32) and `pf(i)` (f32, bitcast), storage buffers follow at bindings 1..n.
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
