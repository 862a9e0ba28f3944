/**
 * The wasm kernels promise `inPlace`: chwToHwc/hwcToChw with src and dst the very same range
 * (the importer transposes a batch file's pixel block where it lies). The TS kernels do not.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../../src/kernels/js.js';
import { createWasmKernels } from '../../src/kernels/wasm.js';
import { noise } from '../helpers.js';
import { referenceHwc, referenceSwapPlanes } from './reference.js';

// Around one image, several 256 KiB chunks (1024 x 300 = 900 KiB), and an image larger than a chunk.
const SHAPES: [number, number][] = [
  [1, 1],
  [5, 3],
  [1024, 1],
  [1024, 300],
  [300 * 300, 2],
];

describe.each([
  ['wasm SIMD', () => createWasmKernels({ simd: true })],
  ['wasm scalar', () => createWasmKernels({ simd: false })],
])('%s kernels in place', (_name, make) => {
  it.each(SHAPES)('CHW -> HWC -> CHW over the same buffer, %i pixels x %i images', (pixels, count) => {
    const k = make();
    expect(k.inPlace).toBe(true);
    const chw = noise(3 * pixels * count, pixels + 31 * count);
    const buf = chw.slice();
    k.chwToHwc(buf, buf, pixels, count);
    expect(Buffer.from(buf).equals(Buffer.from(referenceHwc(chw, pixels, count)))).toBe(true);
    k.hwcToChw(buf, buf, pixels, count);
    expect(Buffer.from(buf).equals(Buffer.from(chw))).toBe(true);
    // B, G, R planes (swapRB) in place too: the CIFAR importer's path for Datumaro's files
    k.chwToHwc(buf, buf, pixels, count, true);
    expect(Buffer.from(buf).equals(Buffer.from(referenceHwc(referenceSwapPlanes(chw, pixels, count), pixels, count)))).toBe(true);
    k.hwcToChw(buf, buf, pixels, count, true);
    expect(Buffer.from(buf).equals(Buffer.from(chw))).toBe(true);
  });
});

describe('TS kernels', () => {
  it('do not claim to work in place (the importer uses a scratch buffer for them)', () => {
    expect(jsKernels.inPlace).toBeUndefined();
  });
});
