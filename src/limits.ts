/**
 * The size limits of an import, one set for every source: `Dataset.importFrom(input, format,
 * { limits })`, `archiveSource(input, { limits })` and the CLI share them.
 *
 * Declared sizes (a tar entry's size, a zip entry's uncompressed size, a pickle's string or
 * bytes length, a numpy shape, an idx header, a PNG's dimensions) are checked against the bytes
 * that are really there, or against these limits, before anything is allocated; what cannot be
 * known in advance (how far a deflate stream inflates) is counted as it is produced and stopped
 * at the limit. Exceeding `maxTotalBytes` or `maxEntries` is ARCHIVE_TOO_LARGE; exceeding the
 * decode budget (`maxDecodedBytes`, `decodedBytesPerInputByte`, `maxItems`) is IMPORT_TOO_LARGE.
 *
 * The decode budget is one per import ({@link DecodeBudget}), counted across every file,
 * archive and nested `.gz` the import reads: what an import may decode grows with the bytes its
 * input really holds, so a real dataset never meets it and a small file that claims gigabytes
 * always does.
 */
import { DatasetImportError, ErrorCode, UsageError } from './errors.js';

/**
 * The size limits of an import (see `ImportOptions.limits`, where any subset of them may be
 * given; the others keep their {@link DEFAULT_LIMITS}).
 *
 * @example
 * ```ts
 * import { Dataset, ErrorCode, type ImportLimits } from 'cifarkit';
 *
 * const limits: Partial<ImportLimits> = { maxItems: 2 };
 * await Dataset.importFrom('cifar-10-batches-py', 'cifar', { limits }).catch((e) => console.log(e.code)); // IMPORT_TOO_LARGE
 * ```
 */
export interface ImportLimits {
  /** The most bytes the archives (.tar, .tar.gz, .zip) and gzip-compressed files (MNIST's .gz) of one import may inflate to, all together. Default 8 GiB. */
  maxTotalBytes: number;
  /** The most entries an archive may hold. Default 1,000,000. */
  maxEntries: number;
  /**
   * The decode budget's fixed part: the bytes an import may decode (inflated archive and .gz
   * bytes, decoded pixels, bytes the pickle reader builds) whatever its input. Default 256 MiB.
   */
  maxDecodedBytes: number;
  /** The decode budget's part that grows with the input: bytes it may decode per byte read from the input. Default 64. */
  decodedBytesPerInputByte: number;
  /** The most items an import may make (over all subsets). Default 4,000,000. */
  maxItems: number;
}

/**
 * Generous for real data: the official CIFAR archives inflate to ~180 MB, hold ~10 entries and
 * 60,000 items; ImageNet-1k has 1.43M items; a JPEG or PNG photo decodes to 3-20x its size,
 * deflate (CIFAR's .tar.gz) to ~1.1x. A 1 KB file that decodes to gigabytes does not fit.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS } from 'cifarkit';
 *
 * console.log(DEFAULT_LIMITS.maxEntries, DEFAULT_LIMITS.maxTotalBytes / 2 ** 30); // 1000000 8
 * ```
 */
export const DEFAULT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxTotalBytes: 8 * 2 ** 30,
  maxEntries: 1_000_000,
  maxDecodedBytes: 256 * 2 ** 20,
  decodedBytesPerInputByte: 64,
  maxItems: 4_000_000,
});

/** The defaults with the caller's values over them; INVALID_ARGUMENT for anything but numbers >= 0 or unknown names. */
export function resolveLimits(given: Partial<ImportLimits> | undefined): ImportLimits {
  if (given !== undefined && (given === null || typeof given !== 'object')) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'limits must be an object such as { maxTotalBytes: 2 ** 30 }');
  }
  for (const key of Object.keys(given ?? {})) {
    if (!Object.hasOwn(DEFAULT_LIMITS, key)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `unknown limit '${key}'; known limits: ${Object.keys(DEFAULT_LIMITS).join(', ')}`);
    }
  }
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, v] of Object.entries(given ?? {}) as [keyof ImportLimits, unknown][]) {
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `limits.${key} must be a number >= 0, got ${String(v)}`);
    }
    limits[key] = v;
  }
  return limits;
}

/**
 * The decode budget of one import: every reader of the import reports here what it reads from
 * the input and what it is about to allocate, before allocating it.
 *
 *   decoded bytes <= maxDecodedBytes + decodedBytesPerInputByte * input bytes
 *   inflated bytes <= maxTotalBytes          items <= maxItems
 *
 * Input bytes are the bytes of the input as given: each file read from disk or memory once, an
 * archive's own (compressed) bytes as they stream in; never what inflating made of them.
 *
 * Imports make their own; the API takes one where a low-level reader ({@link decodeImage},
 * `readPickle`) runs as part of a larger read whose budget it should share.
 *
 * @example
 * ```ts
 * import { decodeImage, encodeImage, Image, type DecodeBudget } from 'cifarkit';
 *
 * function decodeAll(files: Map<string, Uint8Array>, budget?: DecodeBudget): Image[] {
 *   return [...files].map(([name, bytes]) => decodeImage(bytes, name, budget));
 * }
 * const png = encodeImage(Image.fromHWC(new Uint8Array(3), 1, 1), '.png');
 * console.log(decodeAll(new Map([['a.png', png]])).length); // 1
 * ```
 */
export class DecodeBudget {
  /** Bytes read from the input. */
  input = 0;
  /** Bytes decoded so far (inflated + pixels + pickle values). */
  decoded = 0;
  /** Bytes inflated so far (all archives and .gz files of the import). */
  inflated = 0;
  /** Items made so far. */
  items = 0;

  /** @param limits the limits it enforces (default: {@link DEFAULT_LIMITS}) */
  constructor(readonly limits: ImportLimits = resolveLimits(undefined)) {}

  /** The bytes the import may decode now. */
  get allowance(): number {
    return this.limits.maxDecodedBytes + this.limits.decodedBytesPerInputByte * this.input;
  }

  /** `n` more bytes were read from the input. */
  addInput(n: number): void {
    this.input += n;
  }

  /**
   * Reserves `n` decoded bytes (call before allocating them); IMPORT_TOO_LARGE beyond the budget.
   * `transient` bytes more are needed while decoding and freed after (an image decoder's working
   * buffers): they must fit too, but are not kept in the count.
   */
  decode(n: number, what: string, file?: string, transient = 0): void {
    if (this.decoded + n + transient > this.allowance) {
      throw new DatasetImportError(
        ErrorCode.IMPORT_TOO_LARGE,
        `${what} (${n} bytes) takes the import over its decode budget: ${this.decoded} bytes decoded so far, ${this.allowance} allowed for its ${this.input} input bytes (limits.maxDecodedBytes + limits.decodedBytesPerInputByte per input byte)`,
        { file },
      );
    }
    this.decoded += n;
  }

  /** `n` bytes inflated (an archive or a .gz): counted against maxTotalBytes (ARCHIVE_TOO_LARGE) and the decode budget. */
  inflate(n: number, file?: string): void {
    if (this.inflated + n > this.limits.maxTotalBytes) {
      throw new DatasetImportError(
        ErrorCode.ARCHIVE_TOO_LARGE,
        `the import's archives and .gz files inflate to more than the limit of ${this.limits.maxTotalBytes} bytes (limits.maxTotalBytes)`,
        { file },
      );
    }
    this.inflated += n;
    this.decode(n, 'inflating', file);
  }

  /** Reserves `n` items (call before making them); IMPORT_TOO_LARGE beyond limits.maxItems. */
  addItems(n: number, file?: string): void {
    if (this.items + n > this.limits.maxItems) {
      throw new DatasetImportError(
        ErrorCode.IMPORT_TOO_LARGE,
        `${n} more items take the import over the limit of ${this.limits.maxItems} items (limits.maxItems); ${this.items} made so far`,
        { file },
      );
    }
    this.items += n;
  }
}

/** The CLI's flags for the limits, one per limit (`--max-decoded-bytes` sets `maxDecodedBytes`). */
export const LIMIT_FLAGS: ReadonlyArray<{ flag: string; limit: keyof ImportLimits; describe: string }> = [
  { flag: 'max-total-bytes', limit: 'maxTotalBytes', describe: 'import limit: bytes the archives and .gz files of an import may inflate to, all together' },
  { flag: 'max-entries', limit: 'maxEntries', describe: 'import limit: entries an archive may hold' },
  { flag: 'max-decoded-bytes', limit: 'maxDecodedBytes', describe: 'import limit: bytes an import may decode (inflated + pixels + pickle values) whatever its size' },
  { flag: 'decoded-bytes-per-input-byte', limit: 'decodedBytesPerInputByte', describe: 'import limit: bytes an import may decode, in addition, per byte of its input' },
  { flag: 'max-items', limit: 'maxItems', describe: 'import limit: items an import may make' },
];
