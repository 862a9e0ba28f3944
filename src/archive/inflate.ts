/**
 * Which inflater gunzips a .tar.gz: the runtime's native one where there is one, fflate where
 * not. In order of preference:
 *   - 'node-zlib': installed by the Node/Deno entry point (src/io/node-zlib.ts; this module
 *     imports nothing of Node's); inflates on libuv's thread pool, off the JS thread;
 *   - 'DecompressionStream': the web-standard Compression Streams API (browsers, Node >= 18,
 *     Deno), feature-detected;
 *   - 'fflate': pure JS, everywhere (and for what the natives do not do: zip entries, the
 *     synchronous gunzip of MNIST's .gz, see gzip.ts).
 *
 * Same bytes and the same error codes whichever runs: the output goes to the same consumer (the
 * streaming tar reader, which counts it against limits.maxTotalBytes as it arrives, so nothing
 * is inflated whole and checked after), and the failures are mapped to ARCHIVE_TRUNCATED /
 * ARCHIVE_CORRUPT as gzip.ts maps fflate's. The natives check the CRC-32 and length of the
 * trailer themselves; multi-member gzip, which fflate stops after the first member of, is
 * refused by comparing the last trailer's length with the whole output (ARCHIVE_CORRUPT, as
 * with fflate). One difference: a gzip cut inside its 8-byte trailer is ARCHIVE_TRUNCATED with
 * a native inflater and ARCHIVE_CORRUPT with fflate (which reports the deflate data complete and
 * leaves the trailer check to gzip.ts, which cannot tell a cut trailer from a wrong one).
 * Known limits of the natives not used by default: Deno's DecompressionStream words a cut stream
 * as a checksum mismatch (mapped to ARCHIVE_CORRUPT), Node's reads its input ahead without
 * backpressure (the limit still stops the import, not the reading).
 */
import { CifarkitError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { GunzipChecked } from './gzip.js';
import { platform, type InflaterName, type NativeGunzip } from '../platform/index.js';

export type { InflaterName, NativeGunzip } from '../platform/index.js';

let preference: InflaterName | 'auto' = 'auto';

/** The runtime's native gunzip, when its entry point installed one (node:zlib in Node and Deno). */
const runtimeGunzip = (): NativeGunzip | undefined => platform().gunzip;

const hasDecompressionStream = () => typeof globalThis.DecompressionStream === 'function';

function available(name: InflaterName): boolean {
  if (name === 'node-zlib') return runtimeGunzip()?.name === 'node-zlib';
  if (name === 'DecompressionStream') return hasDecompressionStream();
  return true;
}

/**
 * Chooses how .tar.gz archives are inflated: 'auto' (default: node:zlib in Node and Deno,
 * DecompressionStream where the runtime has it, else fflate), or one by name. Throws
 * BACKEND_UNAVAILABLE when the named one is not in this runtime. The result is the same bytes
 * and the same errors whichever is used; only the speed differs.
 *
 * @example
 * ```ts
 * import { getInflater, setInflater } from 'cifarkit';
 *
 * setInflater('fflate');
 * console.log(getInflater()); // fflate
 * ```
 */
export function setInflater(name: InflaterName | 'auto'): void {
  if (name !== 'auto' && name !== 'node-zlib' && name !== 'DecompressionStream' && name !== 'fflate') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `unknown inflater '${String(name)}': use 'auto', 'node-zlib', 'DecompressionStream' or 'fflate'`);
  }
  if (name !== 'auto' && !available(name)) {
    throw new UsageError(ErrorCode.BACKEND_UNAVAILABLE, `the ${name} inflater is not available in this runtime`);
  }
  preference = name;
}

/**
 * The inflater a .tar.gz import uses now (see {@link setInflater}).
 *
 * @example
 * ```ts
 * import { getInflater } from 'cifarkit';
 *
 * console.log(['node-zlib', 'DecompressionStream', 'fflate'].includes(getInflater())); // true
 * ```
 */
export function getInflater(): InflaterName {
  if (preference !== 'auto' && available(preference)) return preference;
  const native = runtimeGunzip();
  if (native) return native.name;
  return hasDecompressionStream() ? 'DecompressionStream' : 'fflate';
}

/** The web-standard DecompressionStream as a NativeGunzip. */
const webGunzip: NativeGunzip = {
  name: 'DecompressionStream',
  gunzip(input) {
    const it = input[Symbol.asyncIterator]();
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await it.return?.(undefined);
      },
    });
    const reader = source.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
    return {
      async *[Symbol.asyncIterator]() {
        let done = false;
        try {
          for (;;) {
            const r = await reader.read();
            if (r.done) break;
            yield r.value;
          }
          done = true;
        } finally {
          if (!done) await reader.cancel().catch(() => undefined);
        }
      },
    };
  },
};

/** A native inflater's failure as ours: a cut stream is ARCHIVE_TRUNCATED, anything else ARCHIVE_CORRUPT. */
function nativeError(err: unknown, label: string, inputSize: number): DatasetImportError {
  const message = String((err as Error)?.message ?? err);
  const code = (err as { code?: unknown })?.code;
  // node:zlib: Z_BUF_ERROR "unexpected end of file"; Chromium: "Compressed input was truncated."
  if (code === 'Z_BUF_ERROR' || /unexpected end|truncated/i.test(message)) {
    return new DatasetImportError(ErrorCode.ARCHIVE_TRUNCATED, `the gzip stream ends early (${inputSize} compressed bytes read)`, { file: label, cause: err });
  }
  if (/incorrect (data|length) check/i.test(message)) {
    const what = /data/i.test(message) ? 'CRC-32' : 'length';
    return new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, `the gzip trailer's ${what} does not match the inflated data: a corrupt file`, { file: label, cause: err });
  }
  // Chromium refuses bytes after the first member ("Junk found after end of compressed data"): a multi-member gzip or trailing junk.
  return new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, `invalid gzip data: ${message.replace(/^The compressed data was not valid: /, '')}`, { file: label, cause: err });
}

/**
 * Gunzips `input` (a whole gzip stream, in chunks) and hands each inflated chunk to `onData`
 * as it comes (an error thrown there stops the inflater and is re-thrown). Errors:
 * ARCHIVE_TRUNCATED, ARCHIVE_CORRUPT, or the input's or `onData`'s own CifarkitError.
 */
export async function gunzipStream(input: AsyncIterable<Uint8Array>, label: string, onData: (chunk: Uint8Array) => void): Promise<void> {
  const name = getInflater();
  if (name === 'fflate') {
    const gunzip = new GunzipChecked(label, onData);
    for await (const chunk of input) gunzip.push(chunk);
    gunzip.end();
    return;
  }
  const native = name === 'DecompressionStream' ? webGunzip : runtimeGunzip()!;
  let inputSize = 0;
  const tail = new Uint8Array(8);
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of input) {
      inputSize += chunk.length;
      if (chunk.length >= 8) tail.set(chunk.subarray(chunk.length - 8));
      else {
        tail.copyWithin(0, chunk.length);
        tail.set(chunk, 8 - chunk.length);
      }
      yield chunk;
    }
  }
  let size = 0;
  try {
    for await (const chunk of native.gunzip(counted())) {
      if (chunk.length === 0) continue;
      size += chunk.length;
      onData(chunk);
    }
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
    throw nativeError(err, label, inputSize);
  }
  // The natives take an empty input as an empty output; fflate (and gzip) call it cut short.
  if (inputSize < 20) {
    throw new DatasetImportError(ErrorCode.ARCHIVE_TRUNCATED, `the gzip stream ends early (${inputSize} compressed bytes read)`, { file: label });
  }
  const declared = new DataView(tail.buffer).getUint32(4, true);
  if (declared !== size % 2 ** 32) {
    throw new DatasetImportError(
      ErrorCode.ARCHIVE_CORRUPT,
      `the gzip trailer does not match the inflated data (size ${declared} vs ${size % 2 ** 32}): a multi-member gzip (not supported)`,
      { file: label },
    );
  }
}
