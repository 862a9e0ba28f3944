/**
 * One error hierarchy for everything cifarkit throws on bad input or bad usage.
 *
 * Every error carries a stable `code` (see {@link ErrorCode}) that programs can switch on, and
 * where known the `file`, the `item` (index and/or id) and the `field` it is about. Messages
 * repeat those facts so that a person reading only the message knows where to look.
 */

/**
 * Stable error codes. New codes may be added; existing ones keep their meaning.
 *
 * @example
 * ```ts
 * import { Dataset, ErrorCode, CifarkitError } from 'cifarkit';
 *
 * try {
 *   await Dataset.importFrom({ 'notes.txt': new TextEncoder().encode('hello') });
 * } catch (e) {
 *   console.log(e instanceof CifarkitError && e.code === ErrorCode.FORMAT_NOT_DETECTED); // true
 * }
 * ```
 */
export const ErrorCode = {
  /** The pickle stream ends before it is complete. */
  PICKLE_TRUNCATED: 'PICKLE_TRUNCATED',
  /** The bytes are not a valid pickle (unknown opcode, broken structure). */
  PICKLE_CORRUPT: 'PICKLE_CORRUPT',
  /** The pickle names a Python global outside cifarkit's allowlist; nothing was executed. */
  PICKLE_FORBIDDEN_GLOBAL: 'PICKLE_FORBIDDEN_GLOBAL',
  /** A numpy array whose element type cannot be turned into uint8 without loss. */
  NDARRAY_UNSUPPORTED_DTYPE: 'NDARRAY_UNSUPPORTED_DTYPE',
  /** A numpy array whose declared shape, dtype and payload disagree. */
  NDARRAY_INVALID: 'NDARRAY_INVALID',
  /** No known dataset format was recognised at the given location. */
  FORMAT_NOT_DETECTED: 'FORMAT_NOT_DETECTED',
  /** The format name is not one cifarkit knows. */
  FORMAT_UNKNOWN: 'FORMAT_UNKNOWN',
  /** A CIFAR batch or meta file is not the dict the format requires, or a field has the wrong type. */
  CIFAR_INVALID_BATCH: 'CIFAR_INVALID_BATCH',
  /** The lists of a batch (data, labels, filenames, image_sizes) have different lengths. */
  CIFAR_LENGTH_MISMATCH: 'CIFAR_LENGTH_MISMATCH',
  /** A label index is outside the label categories. */
  LABEL_OUT_OF_RANGE: 'LABEL_OUT_OF_RANGE',
  /** An image's byte count does not match its declared size. */
  CIFAR_IMAGE_SIZE_MISMATCH: 'CIFAR_IMAGE_SIZE_MISMATCH',
  /** Several dataset roots were found where one was expected. */
  AMBIGUOUS_ROOT: 'AMBIGUOUS_ROOT',
  /** dataset_meta.json is not valid JSON or not of the documented shape. */
  DATASET_META_INVALID: 'DATASET_META_INVALID',
  /** An export would write outside its output folder (an id or file name with '..', an absolute path, NUL). */
  UNSAFE_PATH: 'UNSAFE_PATH',
  /** The output folder exists and is not empty, and overwrite was not asked for. */
  OUTPUT_NOT_EMPTY: 'OUTPUT_NOT_EMPTY',
  /** Writing the output failed (the earlier output, if any, is left untouched). */
  WRITE_FAILED: 'WRITE_FAILED',
  /** The dataset cannot be written in the asked format (e.g. nothing the format can hold). */
  EXPORT_UNSUPPORTED: 'EXPORT_UNSUPPORTED',
  /** A path or file that was asked for does not exist. */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** An argument of an API call is not valid. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** The requested pixel backend cannot be used in this runtime. */
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  /** An image file cannot be decoded: not PNG or JPEG, corrupt, truncated, or too large. */
  IMAGE_DECODE_FAILED: 'IMAGE_DECODE_FAILED',
  /** An MNIST file is malformed: an idx file with a wrong magic number or a length that disagrees with its header, or a bad `<subset>-meta.gz`. */
  IDX_INVALID: 'IDX_INVALID',
  /** A text annotation file (an ImageNet-txt list, synsets.txt, MNIST's labels.txt) is malformed: a bad line, invalid UTF-8, an item or label name given twice. */
  ANNOTATION_INVALID: 'ANNOTATION_INVALID',
  /** A filter expression is not valid XPath 1.0, or cannot be evaluated (unknown function, a non-node result in annotation mode). */
  FILTER_INVALID: 'FILTER_INVALID',
  /** The transform name is not one cifarkit knows. */
  TRANSFORM_UNKNOWN: 'TRANSFORM_UNKNOWN',
  /** A transform would give two different items the same id in the same subset. */
  DUPLICATE_ITEM: 'DUPLICATE_ITEM',
  /** An archive (.tar, .tar.gz/.tgz, .zip) is malformed: not an archive, a bad header checksum, a gzip CRC-32 mismatch, broken zip data, a path that is both a file and a folder. */
  ARCHIVE_CORRUPT: 'ARCHIVE_CORRUPT',
  /** An archive ends before it is complete (in a header, in an entry's data, or before the end-of-archive marker). */
  ARCHIVE_TRUNCATED: 'ARCHIVE_TRUNCATED',
  /** An archive or a gzip-compressed file inflates to more bytes, or an archive holds more entries, than the import limits allow (`limits.maxTotalBytes`, `limits.maxEntries`); refused before allocating beyond them. */
  ARCHIVE_TOO_LARGE: 'ARCHIVE_TOO_LARGE',
  /** A file of the CIFAR binary version is malformed: a `.bin` length that is not a whole number of records, a bad label-names file. */
  CIFAR_BINARY_INVALID: 'CIFAR_BINARY_INVALID',
  /** A download failed: an HTTP error, an unreachable server, a transfer that kept breaking off (its bytes kept for a resume), or an abort. */
  DOWNLOAD_FAILED: 'DOWNLOAD_FAILED',
  /** A downloaded archive's md5 checksum is not the published one (nothing is kept). */
  CHECKSUM_MISMATCH: 'CHECKSUM_MISMATCH',
  /** A parquet file cannot be read: not parquet (no `PAR1` magic), a broken footer or page, an unknown codec, a page that decompresses to a size other than its header says, or sizes beyond the import limits' reach. */
  PARQUET_INVALID: 'PARQUET_INVALID',
  /** A readable parquet file is not a Hugging Face image-classification table cifarkit reads: no image column (struct of `bytes` and `path`), labels that are not integer ClassLabel columns, broken `huggingface` metadata, or rows that contradict it (an image without bytes, one fine label under two coarse labels). */
  PARQUET_SCHEMA_INVALID: 'PARQUET_SCHEMA_INVALID',
  /** A file of an archive source was read a second time: its bytes are released after the first read. */
  ARCHIVE_ENTRY_CONSUMED: 'ARCHIVE_ENTRY_CONSUMED',
  /** An import decodes more than its decode budget allows (`limits.maxDecodedBytes` plus `limits.decodedBytesPerInputByte` per input byte: inflated bytes, pixels, pickle values), or makes more items than `limits.maxItems`; refused before allocating beyond it. */
  IMPORT_TOO_LARGE: 'IMPORT_TOO_LARGE',
} as const;

/**
 * One of the {@link ErrorCode} strings: the type of {@link CifarkitError.code}.
 *
 * @example
 * ```ts
 * import { ErrorCode } from 'cifarkit';
 *
 * const code: ErrorCode = ErrorCode.LABEL_OUT_OF_RANGE;
 * console.log(code); // LABEL_OUT_OF_RANGE
 * ```
 */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Where in a dataset an error was found. All parts are optional.
 *
 * @example
 * ```ts
 * import { CifarkitError, ErrorCode, type ErrorLocation } from 'cifarkit';
 *
 * const where: ErrorLocation = { file: 'data_batch_1', index: 7, field: 'labels' };
 * console.log(new CifarkitError(ErrorCode.LABEL_OUT_OF_RANGE, 'label 12 of 10', where).message); // data_batch_1, item 7, field 'labels': label 12 of 10
 * ```
 */
export interface ErrorLocation {
  /** The file (path as given to cifarkit, or the in-memory file name). */
  file?: string;
  /** Zero-based item index within the file. */
  index?: number;
  /** The item's id, when it is known. */
  item?: string;
  /** The field (dict key) of the batch, e.g. `data` or `labels`. */
  field?: string;
  /** Byte offset in the file, for pickle errors. */
  offset?: number;
}

/**
 * What `new CifarkitError(code, detail, options)` takes: the location facts and the error's cause.
 *
 * @example
 * ```ts
 * import { DatasetImportError, ErrorCode, type CifarkitErrorOptions } from 'cifarkit';
 *
 * const options: CifarkitErrorOptions = { file: 'labels.txt', cause: new Error('bad line') };
 * const error = new DatasetImportError(ErrorCode.ANNOTATION_INVALID, 'line 3 is empty', options);
 * console.log(error.file, (error.cause as Error).message); // labels.txt bad line
 * ```
 */
export interface CifarkitErrorOptions extends ErrorLocation {
  /** The error that led to this one (the standard `Error.cause`). */
  cause?: unknown;
}

function describeLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.index !== undefined || loc.item !== undefined) {
    const id = loc.item !== undefined ? ` '${loc.item}'` : '';
    parts.push(loc.index !== undefined ? `item ${loc.index}${id}` : `item${id}`);
  }
  if (loc.field !== undefined) parts.push(`field '${loc.field}'`);
  if (loc.offset !== undefined) parts.push(`byte ${loc.offset}`);
  return parts.join(', ');
}

/**
 * The base class of every error cifarkit throws on purpose: switch on its stable {@link code};
 * `file`, `index`, `item`, `field` and `offset` say where, when known.
 *
 * @example
 * ```ts
 * import { CifarkitError, Dataset } from 'cifarkit';
 *
 * try {
 *   await Dataset.importFrom('no-such-folder', 'cifar');
 * } catch (e) {
 *   if (!(e instanceof CifarkitError)) throw e;
 *   console.log(e.name, e.code); // UsageError FILE_NOT_FOUND
 * }
 * ```
 */
export class CifarkitError extends Error {
  /** The class name: 'CifarkitError' or the subclass's ('PickleError', 'UsageError', ...). */
  override name = 'CifarkitError';
  /** The stable code, one of {@link ErrorCode}. */
  readonly code: ErrorCode;
  /** The file the error is about (as {@link ErrorLocation.file}). */
  readonly file?: string;
  /** The zero-based item index within the file. */
  readonly index?: number;
  /** The item's id. */
  readonly item?: string;
  /** The field (dict key) of the batch. */
  readonly field?: string;
  /** The byte offset in the file. */
  readonly offset?: number;
  /** The message without the location prefix. */
  readonly detail: string;

  /** An error with this code; the message is `detail`, prefixed with the location in `options`. */
  constructor(code: ErrorCode, detail: string, options: CifarkitErrorOptions = {}) {
    const where = describeLocation(options);
    super(where ? `${where}: ${detail}` : detail, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.detail = detail;
    this.file = options.file;
    this.index = options.index;
    this.item = options.item;
    this.field = options.field;
    this.offset = options.offset;
  }

  /** A copy of this error with more location facts filled in (known facts are kept). */
  withLocation(loc: ErrorLocation): CifarkitError {
    const Ctor = this.constructor as new (code: ErrorCode, detail: string, o: CifarkitErrorOptions) => CifarkitError;
    return new Ctor(this.code, this.detail, {
      file: this.file ?? loc.file,
      index: this.index ?? loc.index,
      item: this.item ?? loc.item,
      field: this.field ?? loc.field,
      offset: this.offset ?? loc.offset,
      cause: this.cause,
    });
  }
}

/**
 * The pickle stream itself is bad or asks for something cifarkit will not do.
 *
 * @example
 * ```ts
 * import { PickleError } from 'cifarkit';
 * import { readPickle } from 'cifarkit/pickle';
 *
 * try {
 *   readPickle(new Uint8Array([0x80, 0x02]));
 * } catch (e) {
 *   console.log(e instanceof PickleError, (e as PickleError).code); // true PICKLE_TRUNCATED
 * }
 * ```
 */
export class PickleError extends CifarkitError {
  /** 'PickleError'. */
  override name = 'PickleError';
}

/**
 * A numpy array cannot be used as asked.
 *
 * @example
 * ```ts
 * import { NdArrayError } from 'cifarkit';
 * import { DType } from 'cifarkit/pickle';
 *
 * try {
 *   new DType('<x9');
 * } catch (e) {
 *   console.log(e instanceof NdArrayError, (e as NdArrayError).code); // true NDARRAY_INVALID
 * }
 * ```
 */
export class NdArrayError extends CifarkitError {
  /** 'NdArrayError'. */
  override name = 'NdArrayError';
}

/**
 * The files do not form a valid dataset of the format.
 *
 * @example
 * ```ts
 * import { Dataset, DatasetImportError } from 'cifarkit';
 *
 * try {
 *   await Dataset.importFrom({ 'readme.md': new TextEncoder().encode('# not a dataset') });
 * } catch (e) {
 *   console.log(e instanceof DatasetImportError, (e as DatasetImportError).code); // true FORMAT_NOT_DETECTED
 * }
 * ```
 */
export class DatasetImportError extends CifarkitError {
  /** 'DatasetImportError'. */
  override name = 'DatasetImportError';
}

/**
 * The dataset cannot be written as asked.
 *
 * @example
 * ```ts
 * import { Dataset, DatasetExportError, DatasetItem } from 'cifarkit';
 *
 * const ds = Dataset.fromIterable([new DatasetItem({ id: '../escape' })]);
 * try {
 *   await ds.exportToFiles('imagenet_txt');
 * } catch (e) {
 *   console.log(e instanceof DatasetExportError, (e as DatasetExportError).code); // true UNSAFE_PATH
 * }
 * ```
 */
export class DatasetExportError extends CifarkitError {
  /** 'DatasetExportError'. */
  override name = 'DatasetExportError';
}

/**
 * A caller passed something cifarkit cannot use.
 *
 * @example
 * ```ts
 * import { DatasetItem, UsageError } from 'cifarkit';
 *
 * try {
 *   new DatasetItem({ id: '' });
 * } catch (e) {
 *   console.log(e instanceof UsageError, (e as UsageError).code); // true INVALID_ARGUMENT
 * }
 * ```
 */
export class UsageError extends CifarkitError {
  /** 'UsageError'. */
  override name = 'UsageError';
}

/**
 * The errors of one kind in a format's files, made alike: `const invalid = importErrors(ErrorCode.IDX_INVALID)`,
 * then `throw invalid(file, 'detail', { index })`.
 */
export function importErrors(code: ErrorCode): (file: string, detail: string, where?: Omit<CifarkitErrorOptions, 'file'>) => DatasetImportError {
  return (file, detail, where = {}) => new DatasetImportError(code, detail, { ...where, file });
}

/** An item (or dataset) a format cannot write: EXPORT_UNSUPPORTED, naming the item when there is one. */
export function exportUnsupported(detail: string, item?: { readonly id: string }): DatasetExportError {
  return new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, detail, item ? { item: item.id } : {});
}
