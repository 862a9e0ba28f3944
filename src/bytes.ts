/** Byte helpers shared across the core. */

/** One buffer holding the chunks in order (the chunk itself when there is just one). */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * CRC-32 (ISO 3309 / ITU-T V.42, as gzip, zip and PNG use it), continued from `crc` (0 to start)
 * over `data`; unsigned.
 */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * When `count` byte arrays (`at(0)`, `at(1)`, ...) of `bytesEach` bytes each are consecutive
 * views of one buffer, in order (the images of an imported subset are): the whole range as one
 * view, for a single kernel call over all of them. Otherwise (or for none) null.
 */
export function contiguousRun(count: number, at: (n: number) => Uint8Array, bytesEach: number): Uint8Array | null {
  if (count === 0) return null;
  const first = at(0);
  if (first.length !== bytesEach) return null;
  for (let n = 1; n < count; n++) {
    const d = at(n);
    if (d.buffer !== first.buffer || d.byteOffset !== first.byteOffset + n * bytesEach || d.length !== bytesEach) return null;
  }
  return new Uint8Array(first.buffer, first.byteOffset, count * bytesEach);
}
