/**
 * The image encoding thread for Node and Deno (worker_threads): dist/encode-worker.js, started by
 * `src/io/node-workers.ts`. Runs the same `encodeImage` as the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { Image } from '../image/image.js';
import { encodeImage } from '../image/codecs.js';
import { answer, type EncodeRequest } from '../image/encoder-pool.js';

const port = parentPort;
if (!port) throw new Error('encode-worker.js runs as a worker thread only');
port.on('message', (request: EncodeRequest) => {
  const { response, transfer } = answer(request, (r) =>
    encodeImage(new Image(r.data, r.height, r.width, r.channels), r.ext, r.jpegQuality === undefined ? {} : { jpegQuality: r.jpegQuality }),
  );
  port.postMessage(response, transfer);
});
