/**
 * cifarkit for browsers (and any runtime without a filesystem): the full API; datasets come
 * from in-memory files (`File[]` from an <input>, or a Record/Map of path -> bytes).
 */
import { setEncoderThreads } from './dataset/dataset.js';
import { createWebEncoderPool, webDefaultWorkers, webWorkersAvailable } from './image/web-workers.js';

// Image encoding for exportToFiles on Web Workers, where the page can start them.
if (webWorkersAvailable()) setEncoderThreads({ create: createWebEncoderPool, defaultWorkers: webDefaultWorkers });

export * from './api.js';
