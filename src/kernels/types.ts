/** The interface both kernel backends (wasm.ts, js.ts) implement; pixels.ts chooses one. */

/**
 * A pixel backend: 'wasm' (the AssemblyScript kernels) or 'js' (the pure-TypeScript fallback).
 *
 * @example
 * ```ts
 * import { getBackend, type BackendName } from 'cifarkit';
 *
 * const backend: BackendName = getBackend();
 * console.log(backend); // wasm
 * ```
 */
export type BackendName = 'wasm' | 'js';

/**
 * Byte-level layout conversions over whole images (`pixels` = height*width). `src` and `dst`
 * must not overlap; their lengths are not checked (callers size them).
 */
export interface PixelKernels {
  readonly name: BackendName;
  /**
   * Planar CHW (R plane, G plane, B plane) -> interleaved HWC RGB, for `count` consecutive images.
   * `swapRB`: the planes are B, G, R (Datumaro's CIFAR files of converted images); the output is RGB.
   */
  chwToHwc(src: Uint8Array, dst: Uint8Array, pixels: number, count: number, swapRB?: boolean): void;
  /** Interleaved HWC RGB -> planar CHW, for `count` consecutive images; `swapRB`: planes B, G, R. */
  hwcToChw(src: Uint8Array, dst: Uint8Array, pixels: number, count: number, swapRB?: boolean): void;
  /** Interleaved RGB -> interleaved RGBA with alpha 255 (canvas `ImageData` order), `pixels` pixels. */
  rgbToRgba(src: Uint8Array, dst: Uint8Array, pixels: number): void;
  /** Interleaved RGBA -> interleaved RGB: alpha is dropped, not composited. */
  rgbaToRgb(src: Uint8Array, dst: Uint8Array, pixels: number): void;
  /**
   * True when `chwToHwc`/`hwcToChw` may be given the very same range as `src` and `dst` (the wasm
   * backend copies whole images into its memory before writing any output).
   */
  readonly inPlace?: boolean;
}
