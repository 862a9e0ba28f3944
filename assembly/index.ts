// Pixel-layout kernels for cifarkit. Raw linear memory only: no managed objects, no allocator
// (built with --runtime stub). The host copies bytes in at heapBase(), calls a kernel, copies out.
//
// CIFAR stores an image as three planes (R, then G, then B, each H*W bytes: "CHW");
// images on the web and in Datumaro's API are interleaved RGBRGB... ("HWC").

import { chwToHwcTail, hwcToChwTail, rgbaToRgbTail, rgbToRgbaTail } from './tails';

/** First byte of linear memory that the host may use as scratch space. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Planar CHW -> interleaved HWC for `count` consecutive images of `pixels` (= H*W) pixels each.
 * `src` and `dst` must not overlap. With `swapRB` non-zero the planes are read as B, G, R
 * (Datumaro's CIFAR files of images it loaded from PNG/JPEG): the output is still R, G, B.
 */
export function chwToHwc(src: usize, dst: usize, pixels: i32, count: i32, swapRB: i32): void {
  const plane = <usize>pixels;
  // The plane order costs nothing per pixel: only which plane the "R" pointer starts at.
  const first: usize = swapRB ? 2 * plane : 0;
  const last: usize = swapRB ? 0 : 2 * plane;
  for (let n = 0; n < count; n++) {
    const r = src + first;
    const g = src + plane;
    const b = src + last;
    let out = dst;
    let i: usize = 0;
    // 4 pixels per step: three 32-bit stores instead of twelve byte stores.
    for (; i + 4 <= plane; i += 4) {
      const rv = load<u32>(r + i);
      const gv = load<u32>(g + i);
      const bv = load<u32>(b + i);
      // out bytes: r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3  (little-endian words)
      store<u32>(out, (rv & 0xff) | ((gv & 0xff) << 8) | ((bv & 0xff) << 16) | ((rv & 0xff00) << 16));
      store<u32>(out + 4, ((gv >> 8) & 0xff) | (bv & 0xff00) | (rv & 0xff0000) | ((gv & 0xff0000) << 8));
      store<u32>(out + 8, ((bv >> 16) & 0xff) | ((rv >> 16) & 0xff00) | ((gv >> 8) & 0xff0000) | (bv & 0xff000000));
      out += 12;
    }
    chwToHwcTail(r, g, b, out, i, plane);
    src += 3 * plane;
    dst += 3 * plane;
  }
}

/** Interleaved HWC -> planar CHW, the inverse of chwToHwc (`swapRB`: write the planes B, G, R). */
export function hwcToChw(src: usize, dst: usize, pixels: i32, count: i32, swapRB: i32): void {
  const plane = <usize>pixels;
  const first: usize = swapRB ? 2 * plane : 0;
  const last: usize = swapRB ? 0 : 2 * plane;
  for (let n = 0; n < count; n++) {
    const r = dst + first;
    const g = dst + plane;
    const b = dst + last;
    let inp = src;
    let i: usize = 0;
    for (; i + 4 <= plane; i += 4) {
      const w0 = load<u32>(inp);
      const w1 = load<u32>(inp + 4);
      const w2 = load<u32>(inp + 8);
      store<u32>(r + i, (w0 & 0xff) | ((w0 >> 16) & 0xff00) | (w1 & 0xff0000) | ((w2 << 16) & 0xff000000));
      store<u32>(g + i, ((w0 >> 8) & 0xff) | ((w1 << 8) & 0xff00) | ((w1 >> 8) & 0xff0000) | ((w2 << 8) & 0xff000000));
      store<u32>(b + i, ((w0 >> 16) & 0xff) | (w1 & 0xff00) | ((w2 << 16) & 0xff0000) | (w2 & 0xff000000));
      inp += 12;
    }
    hwcToChwTail(inp, r, g, b, i, plane);
    src += 3 * plane;
    dst += 3 * plane;
  }
}

/**
 * Interleaved RGB -> RGBA with alpha 255 (what canvas ImageData holds), `pixels` pixels.
 * `src` and `dst` must not overlap.
 */
export function rgbToRgba(src: usize, dst: usize, pixels: i32): void {
  const n = <usize>pixels;
  let i: usize = 0;
  // 4 pixels per step: three 32-bit loads, four 32-bit stores (little-endian words)
  // in:  r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3
  // out: r0 g0 b0 ff | r1 g1 b1 ff | r2 g2 b2 ff | r3 g3 b3 ff
  for (; i + 4 <= n; i += 4) {
    const w0 = load<u32>(src);
    const w1 = load<u32>(src + 4);
    const w2 = load<u32>(src + 8);
    store<u32>(dst, w0 | 0xff000000);
    store<u32>(dst + 4, (w0 >> 24) | (w1 << 8) | 0xff000000);
    store<u32>(dst + 8, (w1 >> 16) | (w2 << 16) | 0xff000000);
    store<u32>(dst + 12, (w2 >> 8) | 0xff000000);
    src += 12;
    dst += 16;
  }
  rgbToRgbaTail(src, dst, n - i);
}

/** Interleaved RGBA -> RGB: alpha is dropped (not composited), `pixels` pixels. No overlap. */
export function rgbaToRgb(src: usize, dst: usize, pixels: i32): void {
  const n = <usize>pixels;
  let i: usize = 0;
  // 4 pixels per step, the inverse packing of rgbToRgba.
  for (; i + 4 <= n; i += 4) {
    const q0 = load<u32>(src);
    const q1 = load<u32>(src + 4);
    const q2 = load<u32>(src + 8);
    const q3 = load<u32>(src + 12);
    store<u32>(dst, (q0 & 0xffffff) | (q1 << 24));
    store<u32>(dst + 4, ((q1 >> 8) & 0xffff) | (q2 << 16));
    store<u32>(dst + 8, ((q2 >> 16) & 0xff) | (q3 << 8));
    src += 16;
    dst += 12;
  }
  rgbaToRgbTail(src, dst, n - i);
}

export { phash, contentHash, hammingScan } from './hash';
export { channelStats } from './stats';
