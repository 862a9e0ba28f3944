/**
 * The kernel of `datasetStatistics`, with the two backends of the pixel kernels: WebAssembly
 * (assembly/stats.ts, in both the scalar and the SIMD module) and pure TypeScript. Both return
 * the same exact integers; which one runs follows `setBackend` (src/kernels/pixels.ts).
 */
import { perBackend } from './pixels.js';
import type { KernelExports } from './wasm.js';

/** Per-channel sums and sums of squares (channels 0-2) and an FNV-1a hash of one image's bytes. */
export interface ChannelStats {
  sums: [number, number, number];
  squares: [number, number, number];
  hash: number;
}

export interface StatsKernels {
  readonly name: 'wasm' | 'js';
  /** One pass over an HWC image of `pixels` pixels with `channels` bytes each. */
  channelStats(data: Uint8Array, pixels: number, channels: number): ChannelStats;
}

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

export const jsStatsKernels: StatsKernels = {
  name: 'js',
  channelStats(data, pixels, channels) {
    let s0 = 0, s1 = 0, s2 = 0, q0 = 0, q1 = 0, q2 = 0;
    let h = FNV_OFFSET;
    const end = pixels * channels;
    for (let p = 0; p < end; p += channels) {
      const a = data[p]!;
      h = Math.imul(h ^ a, FNV_PRIME);
      s0 += a;
      q0 += a * a;
      if (channels >= 3) {
        const b = data[p + 1]!;
        const c = data[p + 2]!;
        h = Math.imul(h ^ b, FNV_PRIME);
        h = Math.imul(h ^ c, FNV_PRIME);
        s1 += b;
        q1 += b * b;
        s2 += c;
        q2 += c * c;
        for (let k = 3; k < channels; k++) h = Math.imul(h ^ data[p + k]!, FNV_PRIME);
      } else if (channels === 2) {
        const b = data[p + 1]!;
        h = Math.imul(h ^ b, FNV_PRIME);
        s1 += b;
        q1 += b * b;
      }
    }
    return { sums: [s0, s1, s2], squares: [q0, q1, q2], hash: h >>> 0 };
  },
};

const PAGE = 65536;
function wasmStatsKernels(wasm: KernelExports): StatsKernels {
  const out = (wasm.heapBase() + 15) & ~15;
  const data = out + 64;
  return {
    name: 'wasm',
    channelStats(image, pixels, channels) {
      const bytes = pixels * channels;
      const needed = data + bytes;
      const have = wasm.memory.buffer.byteLength;
      if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / PAGE));
      new Uint8Array(wasm.memory.buffer).set(image.subarray(0, bytes), data);
      wasm.channelStats(data, pixels, channels, out);
      const words = new BigUint64Array(wasm.memory.buffer, out, 6);
      const n = (i: number) => Number(words[i]!);
      return { sums: [n(0), n(1), n(2)], squares: [n(3), n(4), n(5)], hash: new Uint32Array(wasm.memory.buffer, out + 48, 1)[0]! };
    },
  };
}

/** The statistics kernel of the backend in use now (see `setBackend`). */
export const statsKernels: () => StatsKernels = perBackend<StatsKernels>(jsStatsKernels, wasmStatsKernels);
