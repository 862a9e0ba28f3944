/** The pixel-layout operations written the obvious way: what every kernel is checked against. */

/** CHW -> HWC for `count` images of `pixels` pixels. */
export function referenceHwc(chw: Uint8Array, pixels: number, count: number): Uint8Array {
  const out = new Uint8Array(chw.length);
  for (let n = 0; n < count; n++)
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < pixels; i++) out[n * 3 * pixels + i * 3 + c] = chw[n * 3 * pixels + c * pixels + i]!;
  return out;
}

/** The same images with their first and last planes exchanged (CHW R,G,B <-> B,G,R), plane by plane. */
export function referenceSwapPlanes(chw: Uint8Array, pixels: number, count: number): Uint8Array {
  const out = new Uint8Array(chw.length);
  for (let n = 0; n < count; n++) {
    const base = n * 3 * pixels;
    out.set(chw.subarray(base + 2 * pixels, base + 3 * pixels), base);
    out.set(chw.subarray(base + pixels, base + 2 * pixels), base + pixels);
    out.set(chw.subarray(base, base + pixels), base + 2 * pixels);
  }
  return out;
}

/** RGB -> RGBA with alpha 255. */
export function referenceRgba(rgb: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 4).fill(255);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[i * 4 + c] = rgb[i * 3 + c]!;
  return out;
}

/** RGBA -> RGB (alpha dropped). */
export function referenceRgb(rgba: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = rgba[i * 4 + c]!;
  return out;
}

/** Byte equality of two views (fast for large buffers). */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
