/** What Node and Deno give the core (see src/platform/index.ts): files, threads, node:zlib. */
import type { Platform } from '../platform/index.js';
import { openPath, writeFiles } from './node-fs.js';
import { createEncoderPool, defaultWorkers } from './node-workers.js';
import { nodeGunzip } from './node-zlib.js';

export const nodePlatform: Platform = {
  name: 'node',
  fileSystem: { openPath, writeFiles },
  encoderThreads: { create: createEncoderPool, defaultWorkers },
  gunzip: nodeGunzip,
};
