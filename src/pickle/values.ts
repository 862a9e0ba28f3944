/**
 * The JavaScript shapes of unpickled Python values.
 *
 * | Python                         | JavaScript                                   |
 * |--------------------------------|----------------------------------------------|
 * | None, bool, int, float         | null, boolean, number (bigint beyond 2^53)    |
 * | str (Python 3)                 | string                                       |
 * | bytes, bytearray, Python 2 str | Uint8Array (a view into the input, no copy)  |
 * | list, tuple, set               | array                                        |
 * | dict                           | Map                                          |
 * | numpy.ndarray / numpy.dtype    | NdArray / DType                              |
 *
 * Python 2 `str` is bytes; where text is needed it is decoded as latin-1, exactly as
 * `pickle.load(f, encoding='latin1')` does in torchvision and Datumaro. Protocol 0 writes
 * Python 2 strings as quoted text lines, which arrive as latin-1 JS strings (one char per byte).
 */
import type { DType, NdArray } from './ndarray.js';

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<PyValue, PyValue>
  | NdArray
  | DType;

export type PyDict = Map<PyValue, PyValue>;

export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

export function isDict(v: unknown): v is PyDict {
  return v instanceof Map;
}


const utf8 = new TextDecoder('utf-8');

/**
 * latin-1 decoding that is exact in every runtime (TextDecoder('latin1') is windows-1252). ASCII
 * text, which every CIFAR file name is, goes through the native UTF-8 decoder (the same
 * characters, and about twice as fast for 60,000 short names as String.fromCharCode).
 */
export function latin1Decode(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) return utf8.decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x2000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  }
  return s;
}

/** Text of a Python str or bytes value (bytes as latin-1, like `encoding='latin1'`). */
export function pyText(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : latin1Decode(v);
}

/** Whether a value is a Python str or bytes. */
export function isTextLike(v: unknown): v is string | Uint8Array {
  return typeof v === 'string' || v instanceof Uint8Array;
}

/**
 * Looks a key up in a pickled dict whose keys may be Python 3 str or Python 2 str (bytes).
 * Returns `undefined` when absent.
 */
export function dictGet(dict: PyDict, key: string): PyValue | undefined {
  if (dict.has(key)) return dict.get(key);
  for (const [k, v] of dict) {
    if (isBytes(k) && k.length === key.length && pyText(k) === key) return v;
  }
  return undefined;
}

/** A short description of a value's Python type, for error messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  if (ctor === 'NdArray') return 'numpy.ndarray';
  if (ctor === 'DType') return 'numpy.dtype';
  return 'object';
}

/**
 * Where the pickle reader reports the bytes it builds beyond views of its input (`bytes()`,
 * `_codecs.encode`, a protocol 0 ndarray payload): set by `readPickle` for the length of one
 * (synchronous) read to its caller's decode budget; memo references can repeat such a build
 * without limit, so each one is counted.
 */
export const pickleAllocations: { charge: ((n: number) => void) | null } = { charge: null };

/** Reports `n` bytes about to be built by the pickle reader (see {@link pickleAllocations}). */
export function chargeBytes(n: number): void {
  pickleAllocations.charge?.(n);
}
