/**
 * cifarkit for browsers (and any runtime without a filesystem; also `cifarkit/browser`): the full
 * API; datasets come from in-memory files (`File[]` from an `<input>`, or a Record/Map of path ->
 * bytes) or archives (bytes, Blob, Response, stream, URL). Image encoding for exports runs on
 * Web Workers where the page can start them.
 *
 * @module cifarkit/browser
 */
import { installPlatform } from './platform/index.js';
import { createWebEncoderPool, webDefaultWorkers, webWorkersAvailable } from './image/web-workers.js';

installPlatform({
  name: 'browser',
  ...(webWorkersAvailable() ? { encoderThreads: { create: createWebEncoderPool, defaultWorkers: webDefaultWorkers } } : {}),
});

export * from './api.js';
