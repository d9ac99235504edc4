import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { randomArray } from '../test/random.js';
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
    expect(metadata).toEqual({ step: '7' });
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
});
