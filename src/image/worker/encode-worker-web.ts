/**
 * The image encoding Web Worker: bundled by scripts/embed-worker.mjs into a string (see
 * web-workers.ts) so that it starts from a Blob URL, with no file next to the bundle to find.
 */
import { Image } from '../image.js';
import { encodeImage } from '../codecs.js';
import { answer, type EncodeRequest } from '../encoder-pool.js';

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<EncodeRequest>) => void) | null;
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
};
scope.onmessage = (e) => {
  const { response, transfer } = answer(e.data, (r) =>
    encodeImage(new Image(r.data, r.height, r.width, r.channels), r.ext, r.jpegQuality === undefined ? {} : { jpegQuality: r.jpegQuality }),
  );
  scope.postMessage(response, transfer);
};
