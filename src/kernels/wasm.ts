/**
 * The AssemblyScript kernels, embedded as base64 and instantiated synchronously on first use: no
 * loader, no fetch, no file access, in every runtime. Two builds with the same exports and the
 * same results: 128-bit SIMD (assembly/simd.ts), used where `WebAssembly.validate` accepts it,
 * and scalar (assembly/index.ts) for runtimes without wasm SIMD. Each module is under 4 KiB, the
 * limit browsers set for synchronous compilation on the main thread.
 */
import type { PixelKernels } from './types.js';
import { KERNELS_SIMD_WASM_BASE64, KERNELS_WASM_BASE64 } from './wasm/kernels.generated.js';

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  chwToHwc(src: number, dst: number, pixels: number, count: number, swapRB: number): void;
  hwcToChw(src: number, dst: number, pixels: number, count: number, swapRB: number): void;
  rgbToRgba(src: number, dst: number, pixels: number): void;
  rgbaToRgb(src: number, dst: number, pixels: number): void;
  // assembly/hash.ts, used by src/kernels/hash.ts
  phash(src: number, count: number, height: number, width: number, channels: number, table: number, scratch: number, out: number): void;
  contentHash(src: number, count: number, length: number, out: number): void;
  hammingScan(lo: number, hi: number, hashes: number, from: number, to: number, threshold: number, out: number): number;
  // assembly/stats.ts, used by src/kernels/stats.ts
  channelStats(src: number, pixels: number, channels: number, out: number): void;
}

/** Bytes per chunk copied through wasm memory; two chunks (in and out) live there at once. */
const CHUNK_BYTES = 1 << 18;
const PAGE = 65536;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(bytes: Uint8Array): KernelExports {
  const module = new WebAssembly.Module(bytes as BufferSource);
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

/** The wasm backend, and which build of the kernels it runs. */
export interface WasmKernels extends PixelKernels {
  readonly name: 'wasm';
  /** True when the 128-bit SIMD build runs, false for the scalar build. */
  readonly simd: boolean;
  /** The instance's exports, for the hashing kernels of src/validate (they share its memory). */
  readonly exports: KernelExports;
}

export interface WasmKernelOptions {
  /**
   * Which build to run: true for SIMD (throws where this runtime lacks wasm SIMD), false for
   * scalar; left out, SIMD where `WebAssembly.validate` accepts the SIMD module, else scalar.
   */
  simd?: boolean;
}

/** Kernels over `count` whole images of `pixels` pixels, 3 bytes per pixel in and out. */
type PlanarKernel = 'chwToHwc' | 'hwcToChw';
/** Kernels over a run of `pixels` pixels, with different bytes per pixel in and out. */
type PackingKernel = 'rgbToRgba' | 'rgbaToRgb';

/** Creates the wasm backend; throws when this runtime cannot compile or run WebAssembly. */
export function createWasmKernels(options: WasmKernelOptions = {}): WasmKernels {
  let simd = options.simd;
  let bytes: Uint8Array | undefined;
  if (simd !== false) {
    const simdBytes = decodeBase64(KERNELS_SIMD_WASM_BASE64);
    // Asked for explicitly, an unsupported SIMD module is left to fail in instantiate().
    if (simd === true || WebAssembly.validate(simdBytes as BufferSource)) {
      simd = true;
      bytes = simdBytes;
    }
  }
  if (!bytes) {
    simd = false;
    bytes = decodeBase64(KERNELS_WASM_BASE64);
  }
  const wasm = instantiate(bytes);
  const base = (wasm.heapBase() + 15) & ~15;
  let heap = new Uint8Array(wasm.memory.buffer);

  /** Makes room for `bytes` of scratch from `base`, and re-makes the view if memory grew. */
  function reserve(bytes: number): void {
    const needed = base + bytes;
    if (needed > wasm.memory.buffer.byteLength) {
      wasm.memory.grow(Math.ceil((needed - wasm.memory.buffer.byteLength) / PAGE));
    }
    // A grown memory has a new buffer: views over the old one are detached.
    if (heap.buffer !== wasm.memory.buffer) heap = new Uint8Array(wasm.memory.buffer);
  }

  function runImages(kernel: PlanarKernel, src: Uint8Array, dst: Uint8Array, pixels: number, count: number, swapRB: boolean): void {
    const imageBytes = 3 * pixels;
    if (imageBytes === 0 || count === 0) return;
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / imageBytes));
    const chunkBytes = Math.min(count, perChunk) * imageBytes;
    reserve(2 * chunkBytes);
    const out = base + chunkBytes;
    for (let done = 0; done < count; done += perChunk) {
      const n = Math.min(perChunk, count - done);
      const from = done * imageBytes;
      const len = n * imageBytes;
      heap.set(src.subarray(from, from + len), base);
      wasm[kernel](base, out, pixels, n, swapRB ? 1 : 0);
      dst.set(heap.subarray(out, out + len), from);
    }
  }

  function runPixels(kernel: PackingKernel, inBytes: number, outBytes: number, src: Uint8Array, dst: Uint8Array, pixels: number): void {
    if (pixels === 0) return;
    // A multiple of 16 pixels, so every chunk but the last takes the kernels' 16-pixel (SIMD)
    // or 4-pixel (scalar) path throughout.
    const perChunk = Math.max(16, Math.floor(CHUNK_BYTES / inBytes / 16) * 16);
    const chunkPixels = Math.min(pixels, perChunk);
    reserve(chunkPixels * (inBytes + outBytes));
    const out = base + chunkPixels * inBytes;
    for (let done = 0; done < pixels; done += perChunk) {
      const n = Math.min(perChunk, pixels - done);
      heap.set(src.subarray(done * inBytes, (done + n) * inBytes), base);
      wasm[kernel](base, out, n);
      dst.set(heap.subarray(out, out + n * outBytes), done * outBytes);
    }
  }

  return {
    name: 'wasm',
    simd: simd === true,
    exports: wasm,
    // runImages copies each chunk of whole images in before it writes that chunk out.
    inPlace: true,
    chwToHwc: (src, dst, pixels, count, swapRB = false) => runImages('chwToHwc', src, dst, pixels, count, swapRB),
    hwcToChw: (src, dst, pixels, count, swapRB = false) => runImages('hwcToChw', src, dst, pixels, count, swapRB),
    rgbToRgba: (src, dst, pixels) => runPixels('rgbToRgba', 3, 4, src, dst, pixels),
    rgbaToRgb: (src, dst, pixels) => runPixels('rgbaToRgb', 4, 3, src, dst, pixels),
  };
}
