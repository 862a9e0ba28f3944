/**
 * The kernels of duplicate detection, with the two backends of the pixel kernels: WebAssembly
 * (assembly/hash.ts, in both the scalar and the SIMD module) and pure TypeScript. Both give the
 * same bits; which one runs follows `setBackend` (src/kernels/pixels.ts).
 *
 * - `phash`: a 64-bit DCT perceptual hash per image (see assembly/hash.ts for the steps);
 * - `contentHash`: a 64-bit hash of the bytes, the first filter for exact duplicates;
 * - `hammingPairs`: every pair (i < j) of 64-bit hashes within a Hamming distance, by one
 *   xor + popcount per pair over a flat array of (low, high) u32 words (no image bytes touched).
 */
import { perBackend } from './pixels.js';
import type { KernelExports } from './wasm.js';

export interface HashKernels {
  readonly name: 'wasm' | 'js';
  /** pHashes of `count` consecutive HWC images of one size, into `out[2k]` (bits 0-31) and `out[2k+1]` (bits 32-63). */
  phash(src: Uint8Array, count: number, height: number, width: number, channels: number, out: Uint32Array): void;
  /** 64-bit content hashes of `count` consecutive byte strings of `length` bytes, as u32 pairs into `out`. */
  contentHash(src: Uint8Array, count: number, length: number, out: Uint32Array): void;
  /**
   * Calls `onPair(i, j, distance)` for every i < j whose hashes (u32 pairs in `hashes`) differ in
   * at most `threshold` bits, in order of i, then j. `onPair` returning false stops the search.
   */
  hammingPairs(hashes: Uint32Array, threshold: number, onPair: (i: number, j: number, distance: number) => boolean | void): void;
}

/** round(cos((2x + 1) u pi / 64) * 1024) for u = 0..7 (rows), x = 0..31: the DCT-II basis of pHash. */
export const DCT_TABLE: Int32Array = (() => {
  const t = new Int32Array(8 * 32);
  for (let u = 0; u < 8; u++) for (let x = 0; x < 32; x++) t[u * 32 + x] = Math.round(Math.cos(((2 * x + 1) * u * Math.PI) / 64) * 1024);
  return t;
})();

// ---- pure TypeScript --------------------------------------------------------------------------

function pop32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function mix(h: number, k: number, c1: number, r1: number, c2: number, r2: number, add: number): number {
  k = Math.imul(k, c1);
  k = Math.imul((k << r1) | (k >>> (32 - r1)), c2);
  h ^= k;
  return (Math.imul((h << r2) | (h >>> (32 - r2)), 5) + add) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Sum of 16 products half[from + i] * DCT_TABLE[cos + i] (exact: integers below 2^53). */
function dot16(half: Float64Array, from: number, cos: number): number {
  let s = 0;
  for (let i = 0; i < 16; i++) s += half[from + i]! * DCT_TABLE[cos + i]!;
  return s;
}

export const jsHashKernels: HashKernels = {
  name: 'js',
  phash(src, count, height, width, channels, out) {
    const lum = new Float64Array(1024);
    const rows = new Float64Array(256);
    const coef = new Float64Array(64);
    const sorted = new Float64Array(64);
    const half = new Float64Array(32);
    const imageBytes = height * width * channels;
    // Every value is an integer below 2^49 (bounds in assembly/hash.ts): exact in a double.
    for (let n = 0; n < count; n++) {
      const base = n * imageBytes;
      if (height === 32 && width === 32) {
        for (let i = 0, p = base; i < 1024; i++, p += channels) {
          lum[i] = channels === 3 ? 299 * src[p]! + 587 * src[p + 1]! + 114 * src[p + 2]! : 1000 * src[p]!;
        }
      } else {
        for (let ty = 0; ty < 32; ty++) {
          const y0 = (ty * height) >> 5;
          let y1 = ((ty + 1) * height) >> 5;
          if (y1 <= y0) y1 = y0 + 1;
          for (let tx = 0; tx < 32; tx++) {
            const x0 = (tx * width) >> 5;
            let x1 = ((tx + 1) * width) >> 5;
            if (x1 <= x0) x1 = x0 + 1;
            let sum = 0;
            for (let y = y0; y < y1; y++) {
              let p = base + (y * width + x0) * channels;
              for (let x = x0; x < x1; x++, p += channels) {
                sum += channels === 3 ? 299 * src[p]! + 587 * src[p + 1]! + 114 * src[p + 2]! : 1000 * src[p]!;
              }
            }
            lum[ty * 32 + tx] = Math.floor(sum / ((y1 - y0) * (x1 - x0)));
          }
        }
      }
      // Mirrored samples: even frequencies take sums, odd ones differences (see assembly/hash.ts).
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 16; x++) {
          const a = lum[y * 32 + x]!;
          const b = lum[y * 32 + 31 - x]!;
          half[x] = a + b;
          half[x + 16] = a - b;
        }
        for (let u = 0; u < 8; u++) rows[y * 8 + u] = dot16(half, (u & 1) << 4, u * 32);
      }
      for (let u = 0; u < 8; u++) {
        for (let y = 0; y < 16; y++) {
          const a = rows[y * 8 + u]!;
          const b = rows[(31 - y) * 8 + u]!;
          half[y] = a + b;
          half[y + 16] = a - b;
        }
        for (let v = 0; v < 8; v++) coef[v * 8 + u] = dot16(half, (v & 1) << 4, v * 32);
      }
      sorted.set(coef);
      sorted.sort();
      const twiceMedian = sorted[31]! + sorted[32]!;
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < 32; k++) {
        if (2 * coef[k]! > twiceMedian) lo |= 1 << k;
        if (2 * coef[k + 32]! > twiceMedian) hi |= 1 << k;
      }
      out[2 * n] = lo >>> 0;
      out[2 * n + 1] = hi >>> 0;
    }
  },
  contentHash(src, count, length, out) {
    for (let n = 0; n < count; n++) {
      const base = n * length;
      const end = base + length;
      let h1 = 0x9747b28c | 0;
      let h2 = 0x3c6ef372 | 0;
      let i = base;
      for (; i + 4 <= end; i += 4) {
        const k = src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
        h1 = mix(h1, k, 0xcc9e2d51, 15, 0x1b873593, 13, 0xe6546b64);
        h2 = mix(h2, k, 0x85ebca77, 17, 0xc2b2ae3d, 11, 0x52dce729);
      }
      let k = 0;
      for (let s = 0; i < end; i++, s += 8) k |= src[i]! << s;
      h1 = fmix(mix(h1, k, 0xcc9e2d51, 15, 0x1b873593, 13, 0xe6546b64) ^ length);
      h2 = fmix(mix(h2, k, 0x85ebca77, 17, 0xc2b2ae3d, 11, 0x52dce729) ^ length);
      out[2 * n] = h1;
      out[2 * n + 1] = (h2 ^ h1) >>> 0;
    }
  },
  hammingPairs(hashes, threshold, onPair) {
    const n = hashes.length >> 1;
    for (let i = 0; i < n; i++) {
      const lo = hashes[2 * i]!;
      const hi = hashes[2 * i + 1]!;
      for (let j = i + 1; j < n; j++) {
        const d = pop32(hashes[2 * j]! ^ lo) + pop32(hashes[2 * j + 1]! ^ hi);
        if (d <= threshold && onPair(i, j, d) === false) return;
      }
    }
  },
};

// ---- WebAssembly ------------------------------------------------------------------------------

const PAGE = 65536;
/** Bytes of images hashed per call. */
const CHUNK_BYTES = 1 << 22;
const TABLE_BYTES = DCT_TABLE.byteLength;
const SCRATCH_BYTES = 12 * 1024;

/** The hash kernels over one instance of the kernel module (either build). */
export function wasmHashKernels(wasm: KernelExports): HashKernels {
  const table = (wasm.heapBase() + 15) & ~15;
  const scratch = table + TABLE_BYTES;
  const data = scratch + SCRATCH_BYTES;

  /** Room for `bytes` from `data`; a fresh view of memory (a grown memory has a new buffer). */
  function reserve(bytes: number): Uint8Array {
    const needed = data + bytes;
    const have = wasm.memory.buffer.byteLength;
    if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / PAGE));
    const heap = new Uint8Array(wasm.memory.buffer);
    // The pixel kernels use the same scratch space: the table is written before every use.
    heap.set(new Uint8Array(DCT_TABLE.buffer), table);
    return heap;
  }

  function perImage(src: Uint8Array, count: number, imageBytes: number, out: Uint32Array, run: (at: number, n: number, outAt: number) => void): void {
    if (count === 0) return;
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / Math.max(1, imageBytes)));
    const chunk = Math.min(count, perChunk);
    const outAt = (data + chunk * imageBytes + 7) & ~7;
    const heap = reserve(outAt - data + chunk * 8);
    for (let done = 0; done < count; done += perChunk) {
      const n = Math.min(perChunk, count - done);
      heap.set(src.subarray(done * imageBytes, (done + n) * imageBytes), data);
      run(data, n, outAt);
      out.set(new Uint32Array(wasm.memory.buffer, outAt, 2 * n), 2 * done);
    }
  }

  return {
    name: 'wasm',
    phash(src, count, height, width, channels, out) {
      perImage(src, count, height * width * channels, out, (at, n, outAt) => wasm.phash(at, n, height, width, channels, table, scratch, outAt));
    },
    contentHash(src, count, length, out) {
      perImage(src, count, length, out, (at, n, outAt) => wasm.contentHash(at, n, length, outAt));
    },
    hammingPairs(hashes, threshold, onPair) {
      const n = hashes.length >> 1;
      if (n < 2) return;
      reserve(2 * hashes.byteLength).set(new Uint8Array(hashes.buffer, hashes.byteOffset, hashes.byteLength), data);
      const outAt = data + hashes.byteLength;
      for (let i = 0; i < n - 1; i++) {
        const found = wasm.hammingScan(hashes[2 * i]!, hashes[2 * i + 1]!, data, i + 1, n, threshold, outAt);
        if (found === 0) continue;
        // Copied out before calling back (onPair must not run other kernels: they share this memory).
        const pairs = new Uint32Array(wasm.memory.buffer, outAt, 2 * found).slice();
        for (let k = 0; k < found; k++) if (onPair(i, pairs[2 * k]!, pairs[2 * k + 1]!) === false) return;
      }
    },
  };
}

/** The hash kernels of the backend in use now (see `setBackend`). */
export const hashKernels: () => HashKernels = perBackend<HashKernels>(jsHashKernels, wasmHashKernels);
