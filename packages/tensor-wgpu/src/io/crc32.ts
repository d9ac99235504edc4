/**
 * CRC-32 (IEEE 802.3, the polynomial of zlib, PNG and gzip) over bytes, table-driven. Checkpoints
 * store one per tensor so that a flipped byte is caught on load and the tensor named; the values
 * equal Python's `zlib.crc32`, so a file can be checked outside optimlab too. Not cryptographic:
 * it catches damage, not tampering.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 of `bytes` as 8 lowercase hex digits. */
export function crc32(bytes: Uint8Array): string {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}
