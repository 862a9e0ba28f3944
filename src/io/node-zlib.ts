/**
 * node:zlib's streaming gunzip for the archive reader (installed by src/index.ts for Node and
 * Deno). zlib inflates on libuv's thread pool, so the JS thread parses the tar meanwhile.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { NativeGunzip } from '../archive/inflate.js';

/** Output chunk size: fewer, larger chunks than zlib's 16 KiB default (fewer hand-overs to the tar reader). */
const CHUNK = 256 * 1024;

export const nodeGunzip: NativeGunzip = {
  name: 'node-zlib',
  gunzip(input) {
    const source = Readable.from(input, { objectMode: false });
    const gunzip = createGunzip({ chunkSize: CHUNK });
    // The source's errors (a CifarkitError from reading) reach the gunzip's iterator as they are.
    source.on('error', (err) => gunzip.destroy(err));
    source.pipe(gunzip);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of gunzip) yield chunk as Uint8Array;
        } finally {
          // Stopped early (an error in the archive, or the consumer's): stop reading the input.
          source.destroy();
          gunzip.destroy();
        }
      },
    };
  },
};
