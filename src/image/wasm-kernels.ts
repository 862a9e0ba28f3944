/**
 * The AssemblyScript kernels (assembly/index.ts), embedded as base64 and instantiated
 * synchronously on first use: no loader, no fetch, no file access, in every runtime.
 * The module is under 4 KiB, the limit browsers set for synchronous compilation on the main thread.
 */
import type { PixelKernels } from './kernels.js';
import { KERNELS_WASM_BASE64 } from './wasm/kernels.generated.js';

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  chwToHwc(src: number, dst: number, pixels: number, count: number): void;
  hwcToChw(src: number, dst: number, pixels: number, count: number): void;
}

/** Bytes per chunk copied through wasm memory; two chunks (in and out) live there at once. */
const CHUNK_BYTES = 1 << 22;
const PAGE = 65536;

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function instantiate(): KernelExports {
  const module = new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64) as BufferSource);
  return new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
}

type Kernel = 'chwToHwc' | 'hwcToChw';

/** Creates the wasm backend; throws when this runtime cannot compile or run WebAssembly. */
export function createWasmKernels(): PixelKernels {
  const wasm = instantiate();
  const base = (wasm.heapBase() + 15) & ~15;
  let heap = new Uint8Array(wasm.memory.buffer);

  function reserve(bytes: number): void {
    const needed = base + 2 * bytes;
    if (needed > wasm.memory.buffer.byteLength) {
      wasm.memory.grow(Math.ceil((needed - wasm.memory.buffer.byteLength) / PAGE));
    }
    // A grown memory has a new buffer: views over the old one are detached.
    if (heap.buffer !== wasm.memory.buffer) heap = new Uint8Array(wasm.memory.buffer);
  }

  function run(kernel: Kernel, src: Uint8Array, dst: Uint8Array, pixels: number, count: number): void {
    const imageBytes = 3 * pixels;
    if (imageBytes === 0 || count === 0) return;
    const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / imageBytes));
    reserve(Math.min(count, perChunk) * imageBytes);
    const out = base + Math.min(count, perChunk) * imageBytes;
    for (let done = 0; done < count; done += perChunk) {
      const n = Math.min(perChunk, count - done);
      const from = done * imageBytes;
      const len = n * imageBytes;
      heap.set(src.subarray(from, from + len), base);
      wasm[kernel](base, out, pixels, n);
      dst.set(heap.subarray(out, out + len), from);
    }
  }

  return {
    name: 'wasm',
    chwToHwc: (src, dst, pixels, count) => run('chwToHwc', src, dst, pixels, count),
    hwcToChw: (src, dst, pixels, count) => run('hwcToChw', src, dst, pixels, count),
  };
}
