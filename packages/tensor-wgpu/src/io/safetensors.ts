/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
 * header { name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } },
 * then the raw little-endian data. Encoding/decoding is pure and runs anywhere (browsers too); the
 * file functions (`saveTensors`, `loadTensors`, `writeAtomically`) are Node-only, in safetensors-file.ts.
 *
 * Integrity: the metadata key `crc32` holds a JSON object { tensor name: CRC-32 of its data bytes }
 * (crc32.ts). Decoding verifies every listed tensor and refuses a mismatch, naming the tensor; a file
 * without the key (older optimlab, other tools) decodes unverified, and `CHECKSUM_KEY in metadata`
 * tells the caller which it was.
 */
import { tensor } from '../creation.js';
import { Tensor, type Shape } from '../tensor.js';
import { crc32 } from './crc32.js';

/** The metadata key of the per-tensor checksums. */
export const CHECKSUM_KEY = 'crc32';

export interface HostTensor {
  readonly dtype: 'F32' | 'I32';
  readonly shape: Shape;
  readonly data: Float32Array | Int32Array;
}

export function encodeSafetensors(entries: Readonly<Record<string, HostTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const bytesOf = (d: Float32Array | Int32Array): Uint8Array => new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const sums = Object.fromEntries(Object.keys(entries).sort().map((name) => [name, crc32(bytesOf(entries[name]!.data))]));
  header['__metadata__'] = { ...metadata, [CHECKSUM_KEY]: JSON.stringify(sums) };
  let offset = 0;
  const names = Object.keys(entries).sort();
  for (const name of names) {
    const e = entries[name]!;
    header[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.data.byteLength] };
    offset += e.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // align the data to 8 bytes
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    const d = entries[name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): { tensors: Record<string, HostTensor>; metadata: Record<string, string> } {
  const fail = (why: string): never => {
    throw new Error(`${source} is not a valid safetensors file: ${why}.`);
  };
  if (bytes.byteLength < 8) fail('shorter than its 8-byte header length');
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + n > bytes.byteLength) fail(`header length ${n} runs past the end`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch {
    return fail('its JSON header does not parse');
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('its JSON header is not an object');
  const base = 8 + n;
  const tensors: Record<string, HostTensor> = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const wellFormed = e !== null && typeof e === 'object' && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0) && Array.isArray(e.data_offsets) && e.data_offsets.length === 2 && e.data_offsets.every((o) => Number.isInteger(o) && o >= 0);
    if (!wellFormed) fail(`tensor "${name.slice(0, 60)}" has a malformed entry`);
    if (e.dtype !== 'F32' && e.dtype !== 'I32') fail(`tensor "${name}" has dtype ${e.dtype} (only F32 and I32 are supported)`);
    const [begin, end] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4 || base + end > bytes.byteLength) fail(`tensor "${name}" has inconsistent offsets`);
    const copy = new Uint8Array(bytes.subarray(base + begin, base + end)).buffer; // a copy, aligned
    tensors[name] = { dtype: e.dtype as 'F32' | 'I32', shape: e.shape, data: e.dtype === 'F32' ? new Float32Array(copy) : new Int32Array(copy) };
  }
  const metadata = (header['__metadata__'] as unknown as Record<string, string>) ?? {};
  if (typeof metadata !== 'object' || Object.values(metadata).some((v) => typeof v !== 'string')) fail('its metadata is not a map of strings');
  if (metadata[CHECKSUM_KEY] !== undefined) verifyChecksums(tensors, metadata[CHECKSUM_KEY], fail);
  return { tensors, metadata };
}

/** Every tensor named in the checksum table exists and has its checksum, and every tensor is named. */
function verifyChecksums(tensors: Readonly<Record<string, HostTensor>>, table: string, fail: (why: string) => never): void {
  let sums: Record<string, unknown>;
  try {
    sums = JSON.parse(table) as Record<string, unknown>;
  } catch {
    return fail(`its ${CHECKSUM_KEY} table does not parse`);
  }
  if (sums === null || typeof sums !== 'object') fail(`its ${CHECKSUM_KEY} table is not an object`);
  for (const [name, t] of Object.entries(tensors)) {
    const expected = sums[name];
    if (typeof expected !== 'string') fail(`tensor "${name}" has no checksum`);
    const actual = crc32(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    if (actual !== expected) fail(`tensor "${name}" fails its checksum (CRC-32 ${actual}, stored ${String(expected).slice(0, 8)}): the file is damaged`);
  }
  for (const name of Object.keys(sums)) if (!(name in tensors)) fail(`tensor "${name}" is missing`);
}

/** Reads tensors back from the GPU and encodes them as one safetensors file's bytes. */
export async function tensorsToSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>> = {}): Promise<Uint8Array> {
  const entries: Record<string, HostTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    entries[name] = { dtype: t.dtype === 'f32' ? 'F32' : 'I32', shape: t.shape, data: await t.read() };
  }
  return encodeSafetensors(entries, metadata);
}

/** Decodes safetensors bytes and uploads every tensor to the GPU. */
export function tensorsFromSafetensors(bytes: Uint8Array, source = 'safetensors data'): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const out: Record<string, Tensor> = {};
  for (const [name, h] of Object.entries(tensors)) out[name] = tensor(h.data, h.shape, h.dtype === 'F32' ? 'f32' : 'i32');
  return { tensors: out, metadata };
}
