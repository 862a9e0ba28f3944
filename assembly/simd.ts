// The SIMD flavour of assembly/index.ts: the same exports with the same results, 16 pixels per
// step with v128 shuffles, built with `--enable simd` into build/kernels-simd.wasm. The host
// uses it where WebAssembly.validate accepts it, else the scalar build of index.ts.
//
// Every i8x16.shuffle picks 16 bytes from the 32 of its two operands (lanes 0-15: first,
// 16-31: second). No output vector draws from more than two inputs in one shuffle, so an
// output built from three vectors takes two shuffles; "don't care" lanes are written 0.
// The lane lists are derived (and checked) by test/image/simd.test.ts's reference tests.

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
    // 16 pixels: three 16-byte planes -> 48 interleaved bytes (pixels 0-5.3, 5.3-10.6, 10.6-16).
    for (; i + 16 <= plane; i += 16) {
      const rv = v128.load(r + i);
      const gv = v128.load(g + i);
      const bv = v128.load(b + i);
      // First R and G into place, then B into the lanes left as 0.
      const rg0 = i8x16.shuffle(rv, gv, 0, 16, 0, 1, 17, 0, 2, 18, 0, 3, 19, 0, 4, 20, 0, 5);
      const rg1 = i8x16.shuffle(rv, gv, 21, 0, 6, 22, 0, 7, 23, 0, 8, 24, 0, 9, 25, 0, 10, 26);
      const rg2 = i8x16.shuffle(rv, gv, 0, 11, 27, 0, 12, 28, 0, 13, 29, 0, 14, 30, 0, 15, 31, 0);
      v128.store(out, i8x16.shuffle(rg0, bv, 0, 1, 16, 3, 4, 17, 6, 7, 18, 9, 10, 19, 12, 13, 20, 15));
      v128.store(out + 16, i8x16.shuffle(rg1, bv, 0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15));
      v128.store(out + 32, i8x16.shuffle(rg2, bv, 26, 1, 2, 27, 4, 5, 28, 7, 8, 29, 10, 11, 30, 13, 14, 31));
      out += 48;
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
    // 16 pixels: 48 interleaved bytes -> three 16-byte planes. Channel c of pixel p is byte
    // 3p+c: bytes 0-31 come from v0/v1 in the first shuffle, bytes 32-47 from v2 in the second.
    for (; i + 16 <= plane; i += 16) {
      const v0 = v128.load(inp);
      const v1 = v128.load(inp + 16);
      const v2 = v128.load(inp + 32);
      const r01 = i8x16.shuffle(v0, v1, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0);
      const g01 = i8x16.shuffle(v0, v1, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0);
      const b01 = i8x16.shuffle(v0, v1, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0);
      v128.store(r + i, i8x16.shuffle(r01, v2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 17, 20, 23, 26, 29));
      v128.store(g + i, i8x16.shuffle(g01, v2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 18, 21, 24, 27, 30));
      v128.store(b + i, i8x16.shuffle(b01, v2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19, 22, 25, 28, 31));
      inp += 48;
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
  const alpha = i32x4.splat(0xff000000);
  let i: usize = 0;
  // 16 pixels: 48 bytes in, 64 out. Output vector k holds pixels 4k..4k+3 = input bytes
  // 12k..12k+11, which lie in at most two input vectors; alpha lanes are 0 until the OR.
  for (; i + 16 <= n; i += 16) {
    const v0 = v128.load(src);
    const v1 = v128.load(src + 16);
    const v2 = v128.load(src + 32);
    v128.store(dst, v128.or(i8x16.shuffle(v0, v1, 0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0), alpha));
    v128.store(dst + 16, v128.or(i8x16.shuffle(v0, v1, 12, 13, 14, 0, 15, 16, 17, 0, 18, 19, 20, 0, 21, 22, 23, 0), alpha));
    v128.store(dst + 32, v128.or(i8x16.shuffle(v1, v2, 8, 9, 10, 0, 11, 12, 13, 0, 14, 15, 16, 0, 17, 18, 19, 0), alpha));
    v128.store(dst + 48, v128.or(i8x16.shuffle(v2, v2, 4, 5, 6, 0, 7, 8, 9, 0, 10, 11, 12, 0, 13, 14, 15, 0), alpha));
    src += 48;
    dst += 64;
  }
  rgbToRgbaTail(src, dst, n - i);
}

/** Interleaved RGBA -> RGB: alpha is dropped (not composited), `pixels` pixels. No overlap. */
export function rgbaToRgb(src: usize, dst: usize, pixels: i32): void {
  const n = <usize>pixels;
  let i: usize = 0;
  // 16 pixels: 64 bytes in, 48 out; each output vector draws from two adjacent input vectors.
  for (; i + 16 <= n; i += 16) {
    const q0 = v128.load(src);
    const q1 = v128.load(src + 16);
    const q2 = v128.load(src + 32);
    const q3 = v128.load(src + 48);
    v128.store(dst, i8x16.shuffle(q0, q1, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20));
    v128.store(dst + 16, i8x16.shuffle(q1, q2, 5, 6, 8, 9, 10, 12, 13, 14, 16, 17, 18, 20, 21, 22, 24, 25));
    v128.store(dst + 32, i8x16.shuffle(q2, q3, 10, 12, 13, 14, 16, 17, 18, 20, 21, 22, 24, 25, 26, 28, 29, 30));
    src += 64;
    dst += 48;
  }
  rgbaToRgbTail(src, dst, n - i);
}

export { phash, contentHash, hammingScan } from './hash';
export { channelStats } from './stats';
