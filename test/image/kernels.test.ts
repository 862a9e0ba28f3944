import { describe, expect, it } from 'vitest';
import { getBackend, Image, setBackend } from '../../src/api.js';
import { kernels } from '../../src/kernels/pixels.js';
import { BACKENDS, expectCifarkitError, noise, withBackend } from '../helpers.js';
import { referenceHwc } from './reference.js';

// Pixel counts around the kernels' 4-pixel step, CIFAR's 1024, and a block larger than one
// 4 MiB wasm chunk (forces chunking and memory growth).
const SHAPES: [number, number][] = [
  [1, 1],
  [1, 3],
  [1, 4],
  [1, 5],
  [7, 2],
  [1024, 3],
  [37 * 41, 2],
  [1024, 1500],
];

describe.each(BACKENDS)('pixel kernels (%s)', (backend) => {
  it.each(SHAPES)('CHW -> HWC -> CHW is exact for %i pixels x %i images', async (pixels, count) => {
    await withBackend(backend, () => {
      expect(getBackend()).toBe(backend);
      const chw = noise(3 * pixels * count, pixels * 7 + count);
      const hwc = new Uint8Array(chw.length);
      kernels().chwToHwc(chw, hwc, pixels, count);
      expect(Buffer.from(hwc).equals(Buffer.from(referenceHwc(chw, pixels, count)))).toBe(true);
      const back = new Uint8Array(chw.length);
      kernels().hwcToChw(hwc, back, pixels, count);
      expect(Buffer.from(back).equals(Buffer.from(chw))).toBe(true);
    });
  });

  it('Image.fromCHW and toCHW agree with the definition', async () => {
    await withBackend(backend, () => {
      const chw = new Uint8Array([1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 26]); // 2x3 image
      const img = Image.fromCHW(chw, 2, 3);
      expect([...img.data]).toEqual([1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24, 5, 15, 25, 6, 16, 26]);
      expect([...img.toCHW()]).toEqual([...chw]);
    });
  });
});

describe('setBackend', () => {
  it('refuses unknown names', async () => {
    await expectCifarkitError(() => setBackend('gpu' as never), 'INVALID_ARGUMENT', ["'gpu'"]);
  });
  it("uses wasm under 'auto' where WebAssembly compiles", () => {
    setBackend('auto');
    expect(getBackend()).toBe('wasm');
  });
});
