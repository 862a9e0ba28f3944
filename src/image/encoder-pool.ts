/**
 * Image encoding on several threads, behind one small interface the exporters use. The core only
 * defines the protocol and the pool logic here; the threads themselves are made by the runtime's
 * side (`src/io/node-workers.ts`: Node/Deno worker_threads), so this module stays I/O-free.
 *
 * Every thread runs the same `encodeImage` as the main thread, so the bytes are identical to the
 * single-threaded path; only the order in which files finish changes.
 */
import { CifarkitError, DatasetExportError, ErrorCode, type ErrorCode as ErrorCodeType } from '../errors.js';
import type { Image } from './image.js';

/** What exporters call: encodes one image, possibly on another thread. */
export interface ImageEncoder {
  encode(image: Image, ext: string, jpegQuality: number | undefined): Promise<Uint8Array>;
}

/** A request to a worker thread. `data` is a copy of the image's HWC bytes (transferred). */
export interface EncodeRequest {
  id: number;
  data: Uint8Array;
  height: number;
  width: number;
  channels: number;
  ext: string;
  jpegQuality?: number;
}

/** A worker's answer: the file's bytes (transferred), or the error `encodeImage` threw. */
export type EncodeResponse = { id: number; bytes: Uint8Array } | { id: number; error: { code?: string; detail?: string; message: string } };

/** The one thing a runtime provides: a thread that answers EncodeRequests. */
export interface EncodeThread {
  post(request: EncodeRequest, transfer: ArrayBuffer[]): void;
  onResponse(handler: (response: EncodeResponse) => void): void;
  onFailure(handler: (err: unknown) => void): void;
  terminate(): Promise<unknown> | void;
}

/** A pool of `size` threads, started on first use; requests go to the least busy thread. */
export class EncoderPool implements ImageEncoder {
  private threads: { thread: EncodeThread; busy: number }[] | null = null;
  private readonly waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: unknown) => void; thread: number }>();
  private nextId = 1;

  constructor(
    private readonly size: number,
    private readonly spawn: () => EncodeThread,
  ) {}

  private start(): { thread: EncodeThread; busy: number }[] {
    if (this.threads) return this.threads;
    this.threads = Array.from({ length: this.size }, (_, n) => {
      const thread = this.spawn();
      thread.onResponse((res) => this.settle(res));
      thread.onFailure((err) => {
        // A thread that dies takes its requests with it: they fail, the others go on.
        for (const [id, w] of this.waiting) {
          if (w.thread !== n) continue;
          this.waiting.delete(id);
          w.reject(new DatasetExportError(ErrorCode.WRITE_FAILED, `an image encoding thread failed: ${String((err as Error)?.message ?? err)}`, { cause: err }));
        }
      });
      return { thread, busy: 0 };
    });
    return this.threads;
  }

  private settle(res: EncodeResponse): void {
    const w = this.waiting.get(res.id);
    if (!w) return;
    this.waiting.delete(res.id);
    this.threads![w.thread]!.busy--;
    if ('bytes' in res) w.resolve(res.bytes);
    else {
      const { code, detail, message } = res.error;
      const known = code !== undefined && Object.prototype.hasOwnProperty.call(ErrorCode, code);
      w.reject(known ? new DatasetExportError(code as ErrorCodeType, detail ?? message) : new Error(message));
    }
  }

  encode(image: Image, ext: string, jpegQuality: number | undefined): Promise<Uint8Array> {
    const threads = this.start();
    let best = 0;
    for (let n = 1; n < threads.length; n++) if (threads[n]!.busy < threads[best]!.busy) best = n;
    const id = this.nextId++;
    const data = image.data.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, thread: best });
      threads[best]!.busy++;
      const request: EncodeRequest = { id, data, height: image.height, width: image.width, channels: image.channels, ext, jpegQuality };
      threads[best]!.thread.post(request, [data.buffer as ArrayBuffer]);
    });
  }

  /** Stops the threads (pending requests fail). */
  async close(): Promise<void> {
    const threads = this.threads;
    this.threads = null;
    if (!threads) return;
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.reject(new DatasetExportError(ErrorCode.WRITE_FAILED, 'the image encoding threads were stopped'));
    }
    await Promise.all(threads.map((t) => t.thread.terminate()));
  }
}

/** The body of a worker thread: answers one request with `encode` (the shared encoder). */
export function answer(request: EncodeRequest, encode: (req: EncodeRequest) => Uint8Array): { response: EncodeResponse; transfer: ArrayBuffer[] } {
  try {
    let bytes = encode(request);
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
    return { response: { id: request.id, bytes }, transfer: [bytes.buffer as ArrayBuffer] };
  } catch (err) {
    const error =
      err instanceof CifarkitError ? { code: err.code, detail: err.detail, message: err.message } : { message: err instanceof Error ? err.message : String(err) };
    return { response: { id: request.id, error }, transfer: [] };
  }
}
