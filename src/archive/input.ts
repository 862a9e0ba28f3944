/**
 * What an archive can be given as, and how its bytes are pulled: one chunk at a time from a
 * web ReadableStream (Blob.stream(), Response.body, a fetched URL), or in slices of a buffer
 * already in memory. Web-standard APIs only.
 */
import { CifarkitError, ErrorCode, UsageError } from '../errors.js';

/**
 * What importFrom accepts besides paths and in-memory file maps: a .tar, .tar.gz/.tgz or .zip
 * as bytes, a Blob or File, a fetch Response, a stream of its bytes, or a URL to fetch.
 *
 * @example
 * ```ts
 * import { Dataset, type ArchiveInput } from 'cifarkit';
 *
 * // In a browser: the File of an <input type="file">, or `await fetch(url)`.
 * async function openArchive(archive: ArchiveInput): Promise<Dataset> {
 *   return Dataset.importFrom(archive, 'cifar');
 * }
 * await openArchive(new Uint8Array(512)).catch((e) => console.log(e.code)); // ARCHIVE_CORRUPT
 * ```
 */
export type ArchiveInput = Uint8Array | ArrayBuffer | Blob | Response | ReadableStream<Uint8Array> | URL;

/**
 * In-memory input is handed on in slices of this size: fflate's streaming inflater produces
 * the output of one push at once, so feeding it a whole 170 MB buffer would inflate the whole
 * tar in one piece. Slices are views, not copies.
 */
const SLICE = 1 << 20;

const has = (name: 'Blob' | 'Response' | 'ReadableStream' | 'URL') => typeof globalThis[name] === 'function';

/** Whether a value is one of the {@link ArchiveInput} kinds (cheap, no reading). */
export function isArchiveInput(v: unknown): v is ArchiveInput {
  return (
    v instanceof Uint8Array ||
    v instanceof ArrayBuffer ||
    (has('Blob') && v instanceof Blob) ||
    (has('Response') && v instanceof Response) ||
    (has('ReadableStream') && v instanceof ReadableStream) ||
    (has('URL') && v instanceof URL)
  );
}

/** A short name for the archive in messages: the File's or URL's last path part, else '<archive>'. */
export function archiveLabel(input: ArchiveInput, given?: string): string {
  if (typeof given === 'string' && given !== '') return given;
  if (has('Blob') && input instanceof Blob && typeof (input as File).name === 'string' && (input as File).name !== '') return (input as File).name;
  const url = input instanceof URL ? input : has('Response') && input instanceof Response && input.url ? new URL(input.url) : null;
  if (url && url.protocol !== 'data:') {
    const last = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
    if (last) return last;
  }
  return '<archive>';
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the archive stream must yield Uint8Array chunks');
}

async function* slices(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += SLICE) yield bytes.subarray(at, at + SLICE);
}

async function* streamChunks(stream: ReadableStream<unknown>, label: string): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamDefaultReader<unknown>;
  try {
    reader = stream.getReader();
  } catch (err) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `cannot read the archive stream (already read or locked?): ${(err as Error).message}`, { file: label, cause: err });
  }
  let done = false;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<unknown>;
      try {
        r = await reader.read();
      } catch (err) {
        throw new UsageError(ErrorCode.INVALID_ARGUMENT, `reading the archive failed: ${(err as Error).message}`, { file: label, cause: err });
      }
      if (r.done) break;
      const bytes = toBytes(r.value);
      if (bytes.length > 0) yield bytes;
    }
    done = true;
  } finally {
    // Stopped early (an error in the archive): tell the source we want no more.
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function responseBody(response: Response, label: string): Promise<AsyncGenerator<Uint8Array>> {
  if (!response.ok && response.status !== 0) {
    const code = response.status === 404 ? ErrorCode.FILE_NOT_FOUND : ErrorCode.INVALID_ARGUMENT;
    throw new UsageError(code, `the archive's HTTP response is ${response.status} ${response.statusText}`.trimEnd(), { file: label });
  }
  if (response.bodyUsed) throw new UsageError(ErrorCode.INVALID_ARGUMENT, "the archive's Response body was already read", { file: label });
  if (!response.body) return slices(new Uint8Array(0));
  return streamChunks(response.body, label);
}

/** The archive's bytes, in order, as chunks (views; copy what must outlive the next chunk). */
export async function inputChunks(input: ArchiveInput, label: string): Promise<AsyncGenerator<Uint8Array>> {
  if (input instanceof Uint8Array) return slices(input);
  if (input instanceof ArrayBuffer) return slices(new Uint8Array(input));
  if (has('Blob') && input instanceof Blob) return streamChunks(input.stream(), label);
  if (has('Response') && input instanceof Response) return responseBody(input, label);
  if (has('ReadableStream') && input instanceof ReadableStream) return streamChunks(input, label);
  if (has('URL') && input instanceof URL) {
    let response: Response;
    try {
      response = await fetch(input);
    } catch (err) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `cannot fetch the archive: ${(err as Error).message}`, { file: label, cause: err });
    }
    return responseBody(response, label);
  }
  throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'an archive must be a Uint8Array, ArrayBuffer, Blob, Response, ReadableStream or URL');
}

/** Whether an error is one of ours (re-thrown as is) rather than a raw exception to wrap. */
export function isCifarkitError(err: unknown): err is CifarkitError {
  return err instanceof CifarkitError;
}
