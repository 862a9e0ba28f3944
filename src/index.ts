/**
 * cifarkit for Node and Deno: the full API, with filesystem paths accepted by
 * `Dataset.importFrom`. Browsers get `browser.ts` (same API, in-memory files only) through the
 * package's `browser` export condition.
 */
import { setEncoderThreads, setFileSystem } from './dataset/dataset.js';
import { openPath, writeFiles } from './io/node-fs.js';
import { createEncoderPool, defaultWorkers } from './io/node-workers.js';
import { nodeGunzip } from './io/node-zlib.js';
import { setRuntimeGunzip } from './archive/inflate.js';

setFileSystem({ openPath, writeFiles });
setEncoderThreads({ create: createEncoderPool, defaultWorkers });
setRuntimeGunzip(nodeGunzip);

export * from './api.js';
