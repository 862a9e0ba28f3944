/**
 * Image encoding threads as Web Workers (browsers, and any runtime with a `Worker` global and
 * Blob URLs). The worker's code is embedded (see scripts/embed-worker.mjs), so nothing is fetched.
 */
import { EncoderPool, type EncodeThread } from './encoder-pool.js';
import { ENCODE_WORKER_SOURCE } from './worker/encode-worker.generated.js';

let workerUrl: string | null = null;

function spawnThread(): EncodeThread {
  workerUrl ??= URL.createObjectURL(new Blob([ENCODE_WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl);
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    onResponse: (handler) => worker.addEventListener('message', (e) => handler((e as MessageEvent).data)),
    onFailure: (handler) => worker.addEventListener('error', (e) => handler((e as ErrorEvent).error ?? new Error((e as ErrorEvent).message))),
    terminate: () => worker.terminate(),
  };
}

/** Whether this runtime can start Web Workers from Blob URLs. */
export function webWorkersAvailable(): boolean {
  return typeof Worker === 'function' && typeof Blob === 'function' && typeof URL.createObjectURL === 'function';
}

/** A pool of `size` Web Workers (started on first use). */
export function createWebEncoderPool(size: number): EncoderPool {
  return new EncoderPool(size, spawnThread);
}

/** The cores the browser reports. */
export function webDefaultWorkers(): number {
  const n = typeof navigator === 'object' ? navigator.hardwareConcurrency : undefined;
  return typeof n === 'number' && n >= 1 ? n : 1;
}
