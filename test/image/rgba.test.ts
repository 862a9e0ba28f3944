import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, Image } from '../../src/api.js';
import { kernels } from '../../src/kernels/pixels.js';
import { KERNELS_WASM_BASE64 } from '../../src/kernels/wasm/kernels.generated.js';
import { BACKENDS, expectCifarkitError, noise, withBackend } from '../helpers.js';
import { referenceRgb, referenceRgba, same } from './reference.js';

// Around the kernels' 4-pixel step, CIFAR's 1024, and a run larger than one 4 MiB wasm chunk in
// both directions (1.5M pixels: 4.5 MiB of RGB, 6 MiB of RGBA; not a multiple of 4).
const PIXELS = [1, 2, 3, 4, 5, 7, 8, 9, 1023, 1024, 1025, 32 * 32 * 3 + 1, 1_500_003];

describe('wasm module', () => {
  it('stays under 4 KiB, the limit for synchronous compilation on a browser main thread', () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    expect(bytes.length).toBeLessThan(4096);
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(['chwToHwc', 'hwcToChw', 'rgbToRgba', 'rgbaToRgb', 'memory']));
  });
});

describe.each(BACKENDS)('RGB <-> RGBA kernels (%s)', (backend) => {
  it.each(PIXELS)('match the definition for %i pixels', async (pixels) => {
    await withBackend(backend, () => {
      expect(getBackend()).toBe(backend);
      const rgb = noise(pixels * 3, pixels + 11);
      const rgba = new Uint8Array(pixels * 4);
      kernels().rgbToRgba(rgb, rgba, pixels);
      expect(same(rgba, referenceRgba(rgb, pixels))).toBe(true);

      const anyAlpha = noise(pixels * 4, pixels + 12); // alpha bytes vary: they must be ignored
      const back = new Uint8Array(pixels * 3);
      kernels().rgbaToRgb(anyAlpha, back, pixels);
      expect(same(back, referenceRgb(anyAlpha, pixels))).toBe(true);
    });
  });

  it('read and write through unaligned views without touching bytes around them', async () => {
    await withBackend(backend, () => {
      const pixels = 37;
      const src = noise(3 * pixels + 2, 5).subarray(1, 1 + 3 * pixels);
      const outer = new Uint8Array(4 * pixels + 3).fill(0xaa);
      kernels().rgbToRgba(src, outer.subarray(1, 1 + 4 * pixels), pixels);
      expect(outer[0]).toBe(0xaa);
      expect(outer[4 * pixels + 1]).toBe(0xaa);
      expect(same(outer.subarray(1, 1 + 4 * pixels), referenceRgba(src, pixels))).toBe(true);

      const rgbOuter = new Uint8Array(3 * pixels + 2).fill(0x55);
      kernels().rgbaToRgb(outer.subarray(1, 1 + 4 * pixels), rgbOuter.subarray(1, 1 + 3 * pixels), pixels);
      expect(rgbOuter[0]).toBe(0x55);
      expect(rgbOuter[3 * pixels + 1]).toBe(0x55);
      expect(same(rgbOuter.subarray(1, 1 + 3 * pixels), src)).toBe(true);
    });
  });

  it('do nothing for 0 pixels', async () => {
    await withBackend(backend, () => {
      kernels().rgbToRgba(new Uint8Array(0), new Uint8Array(0), 0);
      kernels().rgbaToRgb(new Uint8Array(0), new Uint8Array(0), 0);
    });
  });
});

describe.each(BACKENDS)('Image <-> ImageData (%s)', (backend) => {
  const saved = (globalThis as { ImageData?: unknown }).ImageData;
  afterEach(() => {
    (globalThis as { ImageData?: unknown }).ImageData = saved;
  });

  it('toImageData gives RGBA with alpha 255 in the ImageData shape (no ImageData in Node)', async () => {
    await withBackend(backend, () => {
      delete (globalThis as { ImageData?: unknown }).ImageData;
      const img = Image.fromHWC(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]), 2, 3);
      const id = img.toImageData();
      expect(id.data).toBeInstanceOf(Uint8ClampedArray);
      expect([...id.data]).toEqual([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255, 10, 11, 12, 255, 13, 14, 15, 255, 16, 17, 18, 255]);
      expect(id.width).toBe(3);
      expect(id.height).toBe(2);
      expect(id.colorSpace).toBe('srgb');
      expect(id.data.buffer).not.toBe(img.data.buffer);
    });
  });

  it('toImageData expands grayscale to R = G = B', async () => {
    await withBackend(backend, () => {
      const id = Image.fromHWC(new Uint8Array([0, 128, 255]), 1, 3, 1).toImageData();
      expect([...id.data]).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    });
  });

  it('toImageData returns a real ImageData where the runtime has one', async () => {
    await withBackend(backend, () => {
      class FakeImageData {
        readonly colorSpace = 'srgb';
        constructor(
          readonly data: Uint8ClampedArray,
          readonly width: number,
          readonly height: number,
        ) {
          if (data.length !== width * height * 4) throw new Error('IndexSizeError');
        }
      }
      (globalThis as { ImageData?: unknown }).ImageData = FakeImageData;
      const id = Image.fromHWC(noise(5 * 7 * 3, 3), 5, 7).toImageData();
      expect(id).toBeInstanceOf(FakeImageData);
      expect(id.width).toBe(7);
      expect(id.height).toBe(5);
    });
  });

  it('fromImageData drops alpha and round-trips', async () => {
    await withBackend(backend, () => {
      const rgba = new Uint8ClampedArray([1, 2, 3, 0, 4, 5, 6, 128, 7, 8, 9, 255, 10, 11, 12, 1]);
      const img = Image.fromImageData({ data: rgba, width: 2, height: 2 }, { ext: '.png' });
      expect([img.height, img.width, img.channels, img.ext]).toEqual([2, 2, 3, '.png']);
      expect([...img.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

      const src = Image.fromHWC(noise(31 * 17 * 3, 9), 31, 17);
      const back = Image.fromImageData(src.toImageData());
      expect(same(back.data, src.data)).toBe(true);
      expect([back.height, back.width]).toEqual([31, 17]);
    });
  });

  it('fromImageData reads a Uint8Array or a view at an offset', async () => {
    await withBackend(backend, () => {
      const outer = new Uint8ClampedArray([99, 1, 2, 3, 4, 5, 6, 7, 8, 99]);
      const img = Image.fromImageData({ data: outer.subarray(1, 9), width: 2, height: 1 });
      expect([...img.data]).toEqual([1, 2, 3, 5, 6, 7]);
      const img2 = Image.fromImageData({ data: new Uint8Array([9, 8, 7, 6]), width: 1, height: 1 });
      expect([...img2.data]).toEqual([9, 8, 7]);
    });
  });
});

describe('ImageData refusals', () => {
  it('fromImageData refuses a wrong byte count, naming both counts', async () => {
    await expectCifarkitError(() => Image.fromImageData({ data: new Uint8ClampedArray(11), width: 3, height: 1 }), 'INVALID_ARGUMENT', [
      'has 11 bytes',
      'expected 3*1*4 = 12',
      'RGBA',
    ]);
    // RGB bytes given as if RGBA
    await expectCifarkitError(() => Image.fromImageData({ data: new Uint8Array(2 * 2 * 3), width: 2, height: 2 }), 'INVALID_ARGUMENT', [
      'has 12 bytes',
      '= 16',
    ]);
  });
  it('fromImageData refuses bad sizes and data', async () => {
    await expectCifarkitError(() => Image.fromImageData({ data: new Uint8Array(4), width: 1.5, height: 1 }), 'INVALID_ARGUMENT', ['width', '1.5']);
    await expectCifarkitError(() => Image.fromImageData({ data: new Uint8Array(4), width: 1, height: -1 }), 'INVALID_ARGUMENT', ['height', '-1']);
    await expectCifarkitError(() => Image.fromImageData({ data: [1, 2, 3, 4] as never, width: 1, height: 1 }), 'INVALID_ARGUMENT', ['Uint8ClampedArray']);
    await expectCifarkitError(() => Image.fromImageData(null as never), 'INVALID_ARGUMENT', ['ImageData']);
  });
  it('toImageData refuses an image without pixels', async () => {
    await expectCifarkitError(() => Image.fromHWC(new Uint8Array(0), 0, 4).toImageData(), 'INVALID_ARGUMENT', ['0x4']);
  });
});
