/**
 * The pure-TypeScript pixel kernels: the fallback when WebAssembly is unavailable, and the
 * reference the wasm kernels are tested against (both must give identical bytes).
 */
import type { PixelKernels } from './types.js';

export const jsKernels: PixelKernels = {
  name: 'js',
  chwToHwc(src, dst, pixels, count, swapRB = false) {
    // swapRB only moves where the planes start, as in the wasm kernels.
    const first = swapRB ? 2 * pixels : 0;
    const last = swapRB ? 0 : 2 * pixels;
    for (let n = 0; n < count; n++) {
      const base = n * 3 * pixels;
      const r = base + first;
      const g = base + pixels;
      const b = base + last;
      let o = base;
      for (let i = 0; i < pixels; i++) {
        dst[o] = src[r + i]!;
        dst[o + 1] = src[g + i]!;
        dst[o + 2] = src[b + i]!;
        o += 3;
      }
    }
  },
  hwcToChw(src, dst, pixels, count, swapRB = false) {
    const first = swapRB ? 2 * pixels : 0;
    const last = swapRB ? 0 : 2 * pixels;
    for (let n = 0; n < count; n++) {
      const base = n * 3 * pixels;
      const r = base + first;
      const g = base + pixels;
      const b = base + last;
      let s = base;
      for (let i = 0; i < pixels; i++) {
        dst[r + i] = src[s]!;
        dst[g + i] = src[s + 1]!;
        dst[b + i] = src[s + 2]!;
        s += 3;
      }
    }
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
