/**
 * cifarkit for Node and Deno (also `cifarkit/node`): the full API, with filesystem paths accepted
 * by `Dataset.importFrom` and `dataset.export`, encoding on worker_threads and node:zlib's
 * gunzip. Browsers get `browser.ts` (same API, in-memory files only) through the package's
 * `browser` export condition.
 *
 * @module cifarkit
 */
import { installPlatform } from './platform/index.js';
import { nodePlatform } from './io/node-platform.js';

installPlatform(nodePlatform);

export * from './api.js';
export { downloadCifar, CIFAR_ARCHIVES, type CifarArchive, type CifarDatasetName, type CifarVersion, type DownloadOptions, type DownloadResult } from './io/download.js';
