// The hash kernels of validate: the two wasm builds and the TS fallback give the same bits, and
// the Hamming search finds exactly the pairs a brute-force reference finds.
import { describe, expect, it } from 'vitest';
import { createWasmKernels } from '../../src/kernels/wasm.js';
import { DCT_TABLE, jsHashKernels, wasmHashKernels, type HashKernels } from '../../src/kernels/hash.js';
import { noise } from '../helpers.js';
import { planted } from './fixture.js';

const FLAVOURS: [string, () => HashKernels][] = [
  ['wasm SIMD', () => wasmHashKernels(createWasmKernels({ simd: true }).exports)],
  ['wasm scalar', () => wasmHashKernels(createWasmKernels({ simd: false }).exports)],
  ['js', () => jsHashKernels],
];

function phashOf(k: HashKernels, data: Uint8Array, count: number, h: number, w: number, c: number): number[] {
  const out = new Uint32Array(2 * count);
  k.phash(data, count, h, w, c, out);
  return [...out];
}

function contentOf(k: HashKernels, data: Uint8Array, count: number, length: number): number[] {
  const out = new Uint32Array(2 * count);
  k.contentHash(data, count, length, out);
  return [...out];
}

function popcount(x: number): number {
  let n = 0;
  for (; x; x >>>= 1) n += x & 1;
  return n;
}

/** Every pair i < j within `threshold`, by a plain double loop. */
function referencePairs(hashes: Uint32Array, threshold: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const n = hashes.length / 2;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = popcount(hashes[2 * i]! ^ hashes[2 * j]!) + popcount(hashes[2 * i + 1]! ^ hashes[2 * j + 1]!);
      if (d <= threshold) out.push([i, j, d]);
    }
  }
  return out;
}

describe('the DCT table', () => {
  it('holds round(cos((2x+1)u pi/64) * 1024)', () => {
    expect(DCT_TABLE.length).toBe(256);
    expect([...DCT_TABLE.subarray(0, 32)]).toEqual(new Array(32).fill(1024));
    expect([DCT_TABLE[32], DCT_TABLE[32 + 31], DCT_TABLE[2 * 32], DCT_TABLE[7 * 32 + 5]]).toEqual([1023, -1023, 1019, -822]);
  });
});

describe.each(FLAVOURS)('hash kernels: %s', (_, make) => {
  it('hashes a flat image to the DC bit alone (every other coefficient is 0, the median 0)', () => {
    const k = make();
    expect(phashOf(k, new Uint8Array(32 * 32 * 3).fill(77), 1, 32, 32, 3)).toEqual([1, 0]);
    expect(phashOf(k, new Uint8Array(7 * 5).fill(200), 1, 7, 5, 1)).toEqual([1, 0]);
  });

  it('gives the bits of the TS fallback for every size, channel count and batch', () => {
    const k = make();
    const cases: [number, number, number, number][] = [
      [32, 32, 3, 40],
      [28, 28, 1, 9],
      [37, 50, 3, 3],
      [5, 3, 3, 4],
      [1, 1, 1, 2],
      [100, 64, 3, 2],
    ];
    for (const [h, w, c, n] of cases) {
      const data = noise(h * w * c * n, h * 1000 + w);
      expect(phashOf(k, data, n, h, w, c), `${h}x${w}x${c}`).toEqual(phashOf(jsHashKernels, data, n, h, w, c));
      expect(contentOf(k, data, n, h * w * c), `${h}x${w}x${c}`).toEqual(contentOf(jsHashKernels, data, n, h * w * c));
    }
    // The planted scenes (smooth, where pHash bits sit near the median), and lengths around a word.
    const p = planted(5);
    const scenes = new Uint8Array(p.originals.length * 3072);
    p.originals.forEach((img, i) => scenes.set(img, i * 3072));
    expect(phashOf(k, scenes, 5, 32, 32, 3)).toEqual(phashOf(jsHashKernels, scenes, 5, 32, 32, 3));
    for (const len of [0, 1, 2, 3, 4, 5, 7, 8, 9]) expect(contentOf(k, noise(3 * len, len + 1), 3, len)).toEqual(contentOf(jsHashKernels, noise(3 * len, len + 1), 3, len));
  });

  it('hashes more images than one 4 MiB chunk in one call (1500 x 3072 bytes)', () => {
    const k = make();
    const data = noise(1500 * 3072, 5);
    const all = phashOf(k, data, 1500, 32, 32, 3);
    expect(all.slice(2 * 1400, 2 * 1401)).toEqual(phashOf(jsHashKernels, data.subarray(1400 * 3072, 1401 * 3072), 1, 32, 32, 3));
    expect(contentOf(k, data, 1500, 3072).slice(2 * 1499)).toEqual(contentOf(jsHashKernels, data.subarray(1499 * 3072), 1, 3072));
  });

  it('content hashes differ for a one-byte change and for a different length', () => {
    const k = make();
    const a = noise(3072, 9);
    const b = a.slice();
    b[1000] = b[1000]! ^ 1;
    expect(contentOf(k, a, 1, 3072)).not.toEqual(contentOf(k, b, 1, 3072));
    expect(contentOf(k, a.subarray(0, 3071), 1, 3071)).not.toEqual(contentOf(k, a.subarray(0, 3070), 1, 3070));
  });

  it('finds exactly the pairs of a brute-force Hamming search, in order', () => {
    const k = make();
    const n = 700;
    const hashes = new Uint32Array(noise(8 * n, 3).buffer);
    // Plant neighbours at distances 0..12 of hash 10.
    for (let d = 0; d <= 12; d++) {
      const j = 100 + d * 37;
      hashes[2 * j] = hashes[20]!;
      hashes[2 * j + 1] = hashes[21]!;
      for (let b = 0; b < d; b++) hashes[2 * j + (b & 1)]! ^= 1 << (3 * b);
    }
    for (const threshold of [0, 5, 8, 20]) {
      const got: [number, number, number][] = [];
      k.hammingPairs(hashes, threshold, (i, j, d) => void got.push([i, j, d]));
      expect(got, `threshold ${threshold}`).toEqual(referencePairs(hashes, threshold));
    }
    const some: [number, number, number][] = [];
    k.hammingPairs(hashes, 8, (i, j, d) => some.push([i, j, d]) < 3);
    expect(some).toEqual(referencePairs(hashes, 8).slice(0, 3));
    expect(referencePairs(hashes, 8).filter(([i]) => i === 10).map(([, j, d]) => [j, d])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((d) => [100 + d * 37, d]));
  });
});
