/**
 * cifarkit for Node and Deno: the full API, with filesystem paths accepted by
 * `Dataset.importFrom`. Browsers get `browser.ts` (same API, in-memory files only) through the
 * package's `browser` export condition.
 */
import { setPathOpener } from './dataset/dataset.js';
import { openPath } from './io/node-fs.js';

setPathOpener(openPath);

export * from './api.js';
