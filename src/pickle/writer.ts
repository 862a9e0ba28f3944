/**
 * Writing pickles: the public entry points and their options. A pickle written here is what
 * CPython's `pickle` and numpy 2 write for the same value, byte for byte, or in the `python2`
 * layout what Python 2's cPickle wrote (the original CIFAR archives).
 *
 * The work is done in pickler.ts (the memo and the object graph), output.ts (buffer and frames),
 * numbers.ts (int and float), text.ts (str and bytes) and numpy.ts (arrays and dtypes); the value
 * shapes it takes, PyWritable and PyTuple, are values.ts's.
 */
import { ErrorCode, UsageError } from '../errors.js';
import { concatBytes } from '../bytes.js';
import { Pickler, type Settings } from './pickler.js';
import type { PyWritable } from './values.js';

export { PyTuple, type PyWritable } from './values.js';

/**
 * How {@link writePickle} lays a pickle out. Every field is optional: the default is protocol 4
 * with numpy 1 and 2 compatible module paths, which is what Datumaro and torchvision load.
 *
 * @example
 * ```ts
 * import { writePickle, type WritePickleOptions } from 'cifarkit/pickle';
 *
 * // As the original CIFAR-10 files were written (Python 2's cPickle).
 * const options: WritePickleOptions = { python2: true };
 * const bytes = writePickle(new Map([['batch_label', 'testing batch 1 of 1']]), options);
 * ```
 */
export interface WritePickleOptions {
  /** 2, 3, 4 or 5 (default 4). */
  protocol?: 2 | 3 | 4 | 5;
  /**
   * Python 2 layout, as cPickle wrote the original CIFAR files: protocol 2, ASCII JS strings
   * written as Python 2 str (SHORT_BINSTRING/BINSTRING), other strings as Python 2 unicode
   * (BINUNICODE, so they load back exactly), bytes as BINSTRING, memo numbered from 1 with
   * BINPUT like cPickle.
   */
  python2?: boolean;
  /**
   * numpy module path for globals: 'numpy.core' (default; loads under numpy 1 and 2 and passes
   * Datumaro's restricted unpickler) or 'numpy._core' (what numpy 2 itself writes).
   */
  numpyModule?: 'numpy.core' | 'numpy._core';
}

/**
 * The pickle as chunks, in order: large payloads (pixel data) are not copied, just referenced
 * (the caller's Uint8Array or NdArray buffer itself), so do not change them until the chunks are
 * written. Throws UsageError INVALID_ARGUMENT, naming the place (`root['data'][3]`), for anything
 * that is not a {@link PyWritable}.
 *
 * @example
 * ```ts
 * import { writePickleChunks } from 'cifarkit/pickle';
 *
 * const pixels = new Uint8Array(100_000);
 * const chunks = writePickleChunks(new Map([['data', pixels]]));
 * // Write them one after another (to a stream, a file); the payload is not copied.
 * console.log(chunks.includes(pixels)); // true
 * ```
 */
export function writePickleChunks(value: PyWritable, options: WritePickleOptions = {}): Uint8Array[] {
  return new Pickler(checkOptions(options)).dump(value);
}

/**
 * The pickle as one buffer (of its own: it shares no memory with `value`). Throws as
 * {@link writePickleChunks} does.
 *
 * @example
 * ```ts
 * import { PyTuple, readPickle, writePickle, type PyWritable } from 'cifarkit/pickle';
 *
 * const meta = new Map<string, PyWritable>([['labels', [3, 8]], ['size', new PyTuple([32, 32])]]);
 * const bytes = writePickle(meta, { protocol: 2 });
 * console.log(readPickle(bytes)); // Map(2) { 'labels' => [3, 8], 'size' => [32, 32] }
 * ```
 */
export function writePickle(value: PyWritable, options: WritePickleOptions = {}): Uint8Array {
  const chunks = writePickleChunks(value, options);
  // A lone chunk may be a view of the caller's bytes: hand out a buffer of its own.
  if (chunks.length === 1 && chunks[0]!.byteLength !== chunks[0]!.buffer.byteLength) return chunks[0]!.slice();
  return concatBytes(chunks);
}

function checkOptions(options: WritePickleOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'writePickle options must be an object');
  }
  const { protocol, python2 = false, numpyModule = 'numpy.core' } = options;
  if (protocol !== undefined && protocol !== 2 && protocol !== 3 && protocol !== 4 && protocol !== 5) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `pickle protocol ${String(protocol)} is not supported: use 2, 3, 4 or 5`);
  }
  if (typeof python2 !== 'boolean') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the python2 option must be a boolean');
  if (python2 && protocol !== undefined && protocol !== 2) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `the python2 layout is protocol 2; protocol ${protocol} was asked for`);
  }
  if (numpyModule !== 'numpy.core' && numpyModule !== 'numpy._core') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `numpyModule must be 'numpy.core' or 'numpy._core', not '${String(numpyModule)}'`);
  }
  return { protocol: python2 ? 2 : (protocol ?? 4), python2, numpy: numpyModule };
}
