/**
 * Streaming gunzip (RFC 1952) on fflate's `Gunzip`, with the checks fflate leaves out: fflate
 * 0.8.2 verifies neither the CRC-32 nor the length in the trailer, reports a stream cut inside
 * its 10-byte header as complete, and stops after the first member. So the output is CRC'd
 * here and compared with the input's last 8 bytes; a mismatch is ARCHIVE_CORRUPT (which also
 * covers multi-member gzip, not supported).
 */
import { Gunzip } from 'fflate';
import { concatBytes, crc32 } from '../bytes.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../errors.js';

/** Inflates pushed gzip bytes and hands each output chunk to `onData`, synchronously. */
export class GunzipChecked {
  private readonly inflater: Gunzip;
  private crc = 0;
  private size = 0;
  private inputSize = 0;
  private finished = false;
  /** The last 8 input bytes seen: the trailer once the input has ended. */
  private readonly tail = new Uint8Array(8);

  constructor(
    private readonly label: string,
    onData: (chunk: Uint8Array) => void,
  ) {
    this.inflater = new Gunzip((chunk, final) => {
      if (chunk.length > 0) {
        this.crc = crc32(chunk, this.crc);
        this.size += chunk.length;
        onData(chunk);
      }
      if (final) this.finished = true;
    });
  }

  private fflate(err: unknown): never {
    const message = (err as Error).message;
    if (/unexpected EOF/i.test(message)) {
      throw new DatasetImportError(ErrorCode.ARCHIVE_TRUNCATED, `the gzip stream ends early (${this.inputSize} compressed bytes read)`, { file: this.label, cause: err });
    }
    throw new DatasetImportError(ErrorCode.ARCHIVE_CORRUPT, `invalid gzip data: ${message}`, { file: this.label, cause: err });
  }

  push(chunk: Uint8Array): void {
    this.inputSize += chunk.length;
    if (chunk.length >= 8) this.tail.set(chunk.subarray(chunk.length - 8));
    else {
      this.tail.copyWithin(0, chunk.length);
      this.tail.set(chunk, 8 - chunk.length);
    }
    // fflate has consumed the whole first member: bytes after it are not read (see the module doc).
    if (this.finished) return;
    try {
      this.inflater.push(chunk, false);
    } catch (err) {
      if (err instanceof CifarkitError) throw err; // from onData
      this.fflate(err);
    }
  }

  end(): void {
    try {
      if (!this.finished) this.inflater.push(new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof CifarkitError) throw err;
      this.fflate(err);
    }
    // 10-byte header + at least 2 bytes of deflate data + 8-byte trailer.
    if (!this.finished || this.inputSize < 20) {
      throw new DatasetImportError(ErrorCode.ARCHIVE_TRUNCATED, `the gzip stream ends early (${this.inputSize} compressed bytes read)`, { file: this.label });
    }
    const view = new DataView(this.tail.buffer);
    const crc = view.getUint32(0, true);
    const size = view.getUint32(4, true);
    if (crc !== this.crc || size !== this.size % 2 ** 32) {
      throw new DatasetImportError(
        ErrorCode.ARCHIVE_CORRUPT,
        `the gzip trailer does not match the inflated data (CRC-32 ${crc.toString(16)} vs ${this.crc.toString(16)}, size ${size} vs ${this.size % 2 ** 32}): a corrupt or truncated file, or a multi-member gzip (not supported)`,
        { file: this.label },
      );
    }
  }
}

/**
 * A whole gzip file (MNIST's `.gz`) inflated in memory, refused with ARCHIVE_TOO_LARGE as soon
 * as the output passes `maxBytes`. Streaming on purpose: fflate's `gunzipSync` allocates the
 * size the trailer declares up front, so 30 bytes claiming 4 GiB would allocate 4 GiB.
 * `count` sees each inflated chunk's size before it is kept (the import's decode budget).
 */
export function gunzipLimited(bytes: Uint8Array, label: string, maxBytes: number, count?: (n: number) => void): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 0;
  const gunzip = new GunzipChecked(label, (chunk) => {
    count?.(chunk.length);
    size += chunk.length;
    if (size > maxBytes) {
      throw new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, `the gzip file inflates to more than the limit of ${maxBytes} bytes (limits.maxTotalBytes)`, { file: label });
    }
    parts.push(chunk);
  });
  gunzip.push(bytes);
  gunzip.end();
  return parts.length === 1 ? parts[0]! : concatBytes(parts);
}
