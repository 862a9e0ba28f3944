/**
 * The pure-TypeScript pixel kernels: the fallback when WebAssembly is unavailable, and the
 * reference the wasm kernels are tested against (both must give identical bytes).
 */
import type { PixelKernels } from './types.js';

/**
 * Calls `image(base, r, g, b)` for each of `count` planar images of `pixels` pixels: `base` is
 * where the image starts, `r`, `g`, `b` where its planes do. swapRB only moves where the R and B
 * planes start, as in the wasm kernels.
 */
function eachImage(pixels: number, count: number, swapRB: boolean, image: (base: number, r: number, g: number, b: number) => void): void {
  const first = swapRB ? 2 * pixels : 0;
  const last = swapRB ? 0 : 2 * pixels;
  for (let n = 0; n < count; n++) {
    const base = n * 3 * pixels;
    image(base, base + first, base + pixels, base + last);
  }
}

export const jsKernels: PixelKernels = {
  name: 'js',
  chwToHwc(src, dst, pixels, count, swapRB = false) {
    eachImage(pixels, count, swapRB, (base, r, g, b) => {
      for (let i = 0, o = base; i < pixels; i++, o += 3) {
        dst[o] = src[r + i]!;
        dst[o + 1] = src[g + i]!;
        dst[o + 2] = src[b + i]!;
      }
    });
  },
  hwcToChw(src, dst, pixels, count, swapRB = false) {
    eachImage(pixels, count, swapRB, (base, r, g, b) => {
      for (let i = 0, s = base; i < pixels; i++, s += 3) {
        dst[r + i] = src[s]!;
        dst[g + i] = src[s + 1]!;
        dst[b + i] = src[s + 2]!;
      }
    });
  },
  rgbToRgba(src, dst, pixels) {
    for (let i = 0, s = 0, o = 0; i < pixels; i++, s += 3, o += 4) {
      dst[o] = src[s]!;
      dst[o + 1] = src[s + 1]!;
      dst[o + 2] = src[s + 2]!;
      dst[o + 3] = 255;
    }
  },
  rgbaToRgb(src, dst, pixels) {
    for (let i = 0, s = 0, o = 0; i < pixels; i++, s += 4, o += 3) {
      dst[o] = src[s]!;
      dst[o + 1] = src[s + 1]!;
      dst[o + 2] = src[s + 2]!;
    }
  },
};
