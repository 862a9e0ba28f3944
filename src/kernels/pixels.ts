/**
 * Pixel-layout kernels behind one interface, with two backends: WebAssembly (AssemblyScript,
 * `assembly/index.ts`) and pure TypeScript. Both give identical bytes; `setBackend` picks one.
 */
import { ErrorCode, UsageError } from '../errors.js';
import { jsKernels } from './js.js';
import { createWasmKernels, type KernelExports, type WasmKernels } from './wasm.js';
import type { BackendName, PixelKernels } from './types.js';

export type { BackendName, PixelKernels } from './types.js';

let wasm: WasmKernels | null | undefined; // undefined: not tried yet; null: unavailable
let wasmFailure: unknown;
let preference: BackendName | 'auto' = 'auto';

function loadWasm(): WasmKernels | null {
  if (wasm === undefined) {
    try {
      wasm = typeof WebAssembly === 'object' ? createWasmKernels() : null;
      if (!wasm) wasmFailure = new Error('WebAssembly is not available in this runtime');
    } catch (err) {
      wasm = null;
      wasmFailure = err;
    }
  }
  return wasm;
}

/**
 * Chooses the pixel backend: 'wasm', 'js', or 'auto' (wasm when it compiles here, else js).
 * Throws BACKEND_UNAVAILABLE when 'wasm' is asked for and cannot be used in this runtime.
 *
 * @example
 * ```ts
 * import { getBackend, setBackend } from 'cifarkit';
 *
 * setBackend('js');
 * console.log(getBackend()); // js
 * setBackend('auto');
 * ```
 */
export function setBackend(name: BackendName | 'auto'): void {
  if (name !== 'wasm' && name !== 'js' && name !== 'auto') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `unknown backend '${String(name)}': use 'wasm', 'js' or 'auto'`);
  }
  if (name === 'wasm' && !loadWasm()) {
    throw new UsageError(ErrorCode.BACKEND_UNAVAILABLE, `the wasm backend cannot be used here: ${String(wasmFailure)}`, {
      cause: wasmFailure,
    });
  }
  preference = name;
}

/** The kernels in use now. */
export function kernels(): PixelKernels {
  if (preference === 'js') return jsKernels;
  return loadWasm() ?? jsKernels;
}

/**
 * The name of the backend in use now ('wasm' or 'js').
 *
 * @example
 * ```ts
 * import { getBackend } from 'cifarkit';
 *
 * console.log(getBackend()); // wasm
 * ```
 */
export function getBackend(): BackendName {
  return kernels().name;
}

/**
 * WebAssembly features the kernels in use now rely on.
 *
 * @example
 * ```ts
 * import { wasmFeatures, type WasmFeatures } from 'cifarkit';
 *
 * const features: WasmFeatures = wasmFeatures();
 * console.log(typeof features.simd); // boolean
 * ```
 */
export interface WasmFeatures {
  /** True when the wasm backend is in use and runs its 128-bit SIMD build. */
  simd: boolean;
}

/**
 * Which wasm build the kernels in use now run: `{ simd: true }` for the SIMD build,
 * `{ simd: false }` for the scalar build or when the 'js' backend is in use.
 *
 * @example
 * ```ts
 * import { setBackend, wasmFeatures } from 'cifarkit';
 *
 * setBackend('js');
 * console.log(wasmFeatures()); // { simd: false }
 * ```
 */
export function wasmFeatures(): WasmFeatures {
  const active = kernels();
  return { simd: active.name === 'wasm' && (active as WasmKernels).simd };
}

/**
 * The kernels of one kind (hash, stats) for the backend in use now: the TypeScript ones, or the
 * wasm ones made once per wasm instance (they share its memory with the pixel kernels).
 */
export function perBackend<K>(js: K, wasmKernelsOf: (exports: KernelExports) => K): () => K {
  const cache = new WeakMap<KernelExports, K>();
  return () => {
    const active = kernels();
    if (active.name !== 'wasm') return js;
    const { exports } = active as WasmKernels;
    let k = cache.get(exports);
    if (!k) cache.set(exports, (k = wasmKernelsOf(exports)));
    return k;
  };
}
