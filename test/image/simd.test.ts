// The two wasm builds (SIMD, assembly/simd.ts; scalar, assembly/index.ts) and the TS fallback
// must give identical bytes. Each flavour is created directly, so all three run here whatever
// 'auto' picks in this runtime.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setBackend } from '../../src/api.js';
import { jsKernels } from '../../src/kernels/js.js';
import { wasmFeatures, type PixelKernels } from '../../src/kernels/pixels.js';
import { createWasmKernels } from '../../src/kernels/wasm.js';
import { KERNELS_SIMD_WASM_BASE64, KERNELS_WASM_BASE64 } from '../../src/kernels/wasm/kernels.generated.js';
import { noise } from '../helpers.js';
import { referenceHwc, referenceRgb, referenceRgba, referenceSwapPlanes, same } from './reference.js';

const decode = (b64: string): Uint8Array => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

// Around the SIMD 16-pixel step and the scalar 4-pixel step, CIFAR's 1024 and 3072.
const PIXELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 1023, 1024, 1025, 3072];
// Larger than one 4 MiB wasm chunk: forces chunking and memory growth. 1024 x 1500 images is
// 4.4 MiB; 1,500,003 pixels is 4.3 MiB of RGB and 5.7 MiB of RGBA, not a multiple of 16.
const BIG_IMAGES: [number, number] = [1024, 1500];
const BIG_RUN = 1_500_003;

const FLAVOURS: [string, () => PixelKernels][] = [
  ['wasm SIMD', () => createWasmKernels({ simd: true })],
  ['wasm scalar', () => createWasmKernels({ simd: false })],
  ['js', () => jsKernels],
];

describe('the two wasm modules', () => {
  it.each([
    ['scalar', KERNELS_WASM_BASE64],
    ['SIMD', KERNELS_SIMD_WASM_BASE64],
  ])('%s stays under 4 KiB and exports the four kernels, the three of validate and the one of stats', (_, b64) => {
    const bytes = decode(b64);
    expect(bytes.length).toBeLessThan(4096);
    expect(WebAssembly.validate(bytes as BufferSource)).toBe(true);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes as BufferSource)).map((e) => e.name);
    expect(exports.sort()).toEqual(['channelStats', 'chwToHwc', 'contentHash', 'hammingScan', 'heapBase', 'hwcToChw', 'memory', 'phash', 'rgbToRgba', 'rgbaToRgb']);
  });

  it('are different builds', () => {
    expect(KERNELS_SIMD_WASM_BASE64).not.toBe(KERNELS_WASM_BASE64);
    expect(createWasmKernels({ simd: true }).simd).toBe(true);
    expect(createWasmKernels({ simd: false }).simd).toBe(false);
  });
});

describe('choosing the wasm build', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setBackend('auto');
  });

  it('picks SIMD where WebAssembly.validate accepts it (Node 20 has wasm SIMD)', () => {
    expect(createWasmKernels().simd).toBe(true);
    setBackend('auto');
    expect(wasmFeatures()).toEqual({ simd: true });
  });

  it('falls back to the scalar build where the SIMD module does not validate', () => {
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    const k = createWasmKernels();
    expect(validate).toHaveBeenCalled();
    expect(k.name).toBe('wasm');
    expect(k.simd).toBe(false);
    const chw = noise(3 * 33, 1);
    const hwc = new Uint8Array(chw.length);
    k.chwToHwc(chw, hwc, 33, 1);
    expect(same(hwc, referenceHwc(chw, 33, 1))).toBe(true);
  });

  it("reports no SIMD under the 'js' backend", () => {
    setBackend('js');
    expect(wasmFeatures()).toEqual({ simd: false });
  });
});

describe.each(FLAVOURS)('pixel kernels (%s) give the reference bytes', (_, create) => {
  const k = create();
  const shapes: [number, number][] = [...PIXELS.map((p): [number, number] => [p, 3]), BIG_IMAGES];

  it.each(shapes)('CHW <-> HWC for %i pixels x %i images', (pixels, count) => {
    const chw = noise(3 * pixels * count, pixels * 7 + count);
    const hwc = new Uint8Array(chw.length);
    k.chwToHwc(chw, hwc, pixels, count);
    expect(same(hwc, referenceHwc(chw, pixels, count))).toBe(true);
    const back = new Uint8Array(chw.length);
    k.hwcToChw(hwc, back, pixels, count);
    expect(same(back, chw)).toBe(true);
  });

  it.each(shapes)('CHW in B, G, R order (swapRB) <-> HWC RGB for %i pixels x %i images', (pixels, count) => {
    const bgr = noise(3 * pixels * count, pixels * 5 + count);
    const rgb = referenceSwapPlanes(bgr, pixels, count);
    const hwc = new Uint8Array(bgr.length);
    k.chwToHwc(bgr, hwc, pixels, count, true);
    expect(same(hwc, referenceHwc(rgb, pixels, count))).toBe(true);
    const back = new Uint8Array(bgr.length);
    k.hwcToChw(hwc, back, pixels, count, true);
    expect(same(back, bgr)).toBe(true);
    k.hwcToChw(hwc, back, pixels, count, false);
    expect(same(back, rgb)).toBe(true);
  });

  it.each([...PIXELS, BIG_RUN])('RGB <-> RGBA for %i pixels', (pixels) => {
    const rgb = noise(pixels * 3, pixels + 11);
    const rgba = new Uint8Array(pixels * 4);
    k.rgbToRgba(rgb, rgba, pixels);
    expect(same(rgba, referenceRgba(rgb, pixels))).toBe(true);
    const anyAlpha = noise(pixels * 4, pixels + 12); // alpha varies: it must be ignored
    const back = new Uint8Array(pixels * 3);
    k.rgbaToRgb(anyAlpha, back, pixels);
    expect(same(back, referenceRgb(anyAlpha, pixels))).toBe(true);
  });

  it('reads and writes unaligned views without touching the bytes around them', () => {
    const pixels = 37;
    const chw = noise(3 * pixels * 2 + 2, 5).subarray(1, 1 + 3 * pixels * 2);
    const outer = new Uint8Array(3 * pixels * 2 + 2).fill(0xaa);
    k.chwToHwc(chw, outer.subarray(1, 1 + 3 * pixels * 2), pixels, 2);
    expect([outer[0], outer[outer.length - 1]]).toEqual([0xaa, 0xaa]);
    expect(same(outer.subarray(1, 1 + 3 * pixels * 2), referenceHwc(chw, pixels, 2))).toBe(true);

    const rgba = new Uint8Array(4 * pixels + 2).fill(0x55);
    k.rgbToRgba(chw.subarray(0, 3 * pixels), rgba.subarray(1, 1 + 4 * pixels), pixels);
    expect([rgba[0], rgba[rgba.length - 1]]).toEqual([0x55, 0x55]);
    expect(same(rgba.subarray(1, 1 + 4 * pixels), referenceRgba(chw.subarray(0, 3 * pixels), pixels))).toBe(true);
  });
});
