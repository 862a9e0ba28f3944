// Byte-at-a-time versions of the kernels, for the pixels a wide loop (4 pixels per step in
// index.ts, 16 in simd.ts) leaves over. Shared by both modules; inlined where they are used.

/** CHW -> HWC for pixels [from, to) of one image with planes r, g, b, writing from `out`. */
// @ts-ignore: decorator
@inline export function chwToHwcTail(r: usize, g: usize, b: usize, out: usize, from: usize, to: usize): void {
  for (let i = from; i < to; i++) {
    store<u8>(out, load<u8>(r + i));
    store<u8>(out + 1, load<u8>(g + i));
    store<u8>(out + 2, load<u8>(b + i));
    out += 3;
  }
}

/** HWC -> CHW for pixels [from, to) of one image with planes r, g, b, reading from `inp`. */
// @ts-ignore: decorator
@inline export function hwcToChwTail(inp: usize, r: usize, g: usize, b: usize, from: usize, to: usize): void {
  for (let i = from; i < to; i++) {
    store<u8>(r + i, load<u8>(inp));
    store<u8>(g + i, load<u8>(inp + 1));
    store<u8>(b + i, load<u8>(inp + 2));
    inp += 3;
  }
}

/** RGB -> RGBA (alpha 255) for `count` pixels. */
// @ts-ignore: decorator
@inline export function rgbToRgbaTail(src: usize, dst: usize, count: usize): void {
  for (let i: usize = 0; i < count; i++) {
    store<u8>(dst, load<u8>(src));
    store<u8>(dst + 1, load<u8>(src + 1));
    store<u8>(dst + 2, load<u8>(src + 2));
    store<u8>(dst + 3, 0xff);
    src += 3;
    dst += 4;
  }
}

/** RGBA -> RGB (alpha dropped) for `count` pixels. */
// @ts-ignore: decorator
@inline export function rgbaToRgbTail(src: usize, dst: usize, count: usize): void {
  for (let i: usize = 0; i < count; i++) {
    store<u8>(dst, load<u8>(src));
    store<u8>(dst + 1, load<u8>(src + 1));
    store<u8>(dst + 2, load<u8>(src + 2));
    src += 4;
    dst += 3;
  }
}
