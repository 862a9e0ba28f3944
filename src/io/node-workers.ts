/**
 * Image encoding threads for Node and Deno: worker_threads running dist/encode-worker.js.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { EncoderPool, type EncodeThread } from '../image/encoder-pool.js';

/** Threads used when `workers` is not given: the cores this process may use. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The worker script: next to this module in dist/ (tests running src/ use the built one). */
function workerUrl(): URL {
  const here = new URL('./encode-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL('../../dist/encode-worker.js', import.meta.url) : here;
}

function spawnThread(): EncodeThread {
  const worker = new Worker(workerUrl());
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    onResponse: (handler) => worker.on('message', handler),
    onFailure: (handler) => {
      worker.on('error', handler);
      worker.on('exit', (code) => {
        if (code !== 0) handler(new Error(`the encoding thread exited with code ${code}`));
      });
    },
    terminate: () => worker.terminate(),
  };
}

/** A pool of `size` encoding threads (started on first use). */
export function createEncoderPool(size: number): EncoderPool {
  return new EncoderPool(size, spawnThread);
}
