import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { randomArray } from '../test/random.js';
import { crc32 } from './crc32.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { loadTensors, saveTensors } from './safetensors-file.js';

describe('safetensors', () => {
  it('round-trips f32 and i32 tensors bit-exactly through a file, with metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-st-'));
    const a = Float32Array.from(randomArray(37, 1));
    a[3] = -0;
    a[5] = 1e-40; // a subnormal survives
    const path = join(dir, 'x.safetensors');
    await saveTensors(path, { 'w.a': tensor(a, [37]), ids: tensor([1, -2, 3], [3], 'i32') }, { step: '7' });
    const { tensors, metadata } = await loadTensors(path);
    expect(new Uint8Array((await tensors['w.a']!.read()).buffer)).toEqual(new Uint8Array(a.buffer));
    expect(Array.from(await tensors['ids']!.read())).toEqual([1, -2, 3]);
    expect(tensors['ids']!.dtype).toBe('i32');
    expect(metadata).toEqual({ step: '7', crc32: expect.any(String) });
    // The header follows the format: u64 length, then JSON with data_offsets.
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect(JSON.parse(bytes.subarray(8, 8 + n).toString())['ids']).toEqual({ dtype: 'I32', shape: [3], data_offsets: [0, 12] });
  });
  it('names the file and the problem for invalid input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-st-'));
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, 'not a safetensors file');
    await expect(loadTensors(bad)).rejects.toThrow(/bad.safetensors is not a valid safetensors file/);
    await expect(loadTensors(join(dir, 'missing.safetensors'))).rejects.toThrow(/Cannot read .*missing.safetensors/);
    const bytes = encodeSafetensors({ x: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) } });
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'cut')).toThrow(/cut is not a valid safetensors file: tensor "x"/);
  });
  it('stores a CRC-32 per tensor (zlib’s values) and refuses a flipped data byte, naming the tensor', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) }, b: { dtype: 'I32', shape: [1], data: new Int32Array([7]) } }, { step: '1' });
    const { metadata } = decodeSafetensors(bytes);
    // Python: zlib.crc32(struct.pack('<ff', 1, 2)) == 0x2e3fa576, zlib.crc32(bytes([7, 0, 0, 0])) == 0xbc93e7a5.
    expect(JSON.parse(metadata['crc32']!)).toEqual({ a: '2e3fa576', b: 'bc93e7a5' });
    expect(crc32(new TextEncoder().encode('123456789'))).toBe('cbf43926'); // the standard check value
    const flipped = bytes.slice();
    flipped[flipped.length - 5]! ^= 0x01; // a byte inside tensor "a"'s data (the last 4 bytes are b's)
    expect(() => decodeSafetensors(flipped, 'ckpt')).toThrow(/ckpt is not a valid safetensors file: tensor "a" fails its checksum/);
  });
  it('decodes a file without checksums (older optimlab, other tools) unverified', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [1], data: new Float32Array([3]) } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    delete header['__metadata__'];
    const json = new TextEncoder().encode(JSON.stringify(header).padEnd(n, ' '));
    const old = bytes.slice();
    old.set(json, 8);
    const { tensors, metadata } = decodeSafetensors(old);
    expect(Array.from(tensors['a']!.data)).toEqual([3]);
    expect('crc32' in metadata).toBe(false);
  });
  it('writeAtomically leaves no temp file when the process exits mid-write (Ctrl-C, SIGTERM)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'optimlab-st-'));
    const module = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'safetensors-file.ts')).href;
    // 256 MB takes longer to write than the 30 ms before the exit; the temp file exists by then.
    const code = `import { writeAtomically } from '${module}'; import { readdirSync } from 'node:fs';
      void writeAtomically('${join(dir, 'big.bin')}', new Uint8Array(256 * 2 ** 20));
      setTimeout(() => { console.log(readdirSync('${dir}').join(',')); process.exit(143); }, 30);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(143);
    expect(r.stdout.trim()).toMatch(/^big\.bin\.tmp-/); // it was there while writing
    expect(readdirSync(dir)).toEqual([]); // and gone after the exit
  });
});
