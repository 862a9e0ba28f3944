/**
 * The JavaScript shapes of Python values: what the reader returns ({@link PyValue}, below) and
 * what the writer takes ({@link PyWritable}, with {@link PyTuple}).
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
 * This file is the one home of these shapes, the numpy classes included: ndarray.ts converts
 * arrays and the writer's files write them; they depend on this file, never the other way round.
 *
 * Python 2 `str` is bytes; where text is needed it is decoded as latin-1, exactly as
 * `pickle.load(f, encoding='latin1')` does in torchvision and Datumaro. Protocol 0 writes
 * Python 2 strings as quoted text lines, which arrive as latin-1 JS strings (one char per byte).
 */
import { ErrorCode, NdArrayError } from '../errors.js';

/**
 * The plain values both ways: Python's None, bool, int (a bigint beyond 2^53), float, str and bytes.
 *
 * @example
 * ```ts
 * import { readPickle, writePickle, type PyScalar } from 'cifarkit/pickle';
 *
 * const n = readPickle(writePickle(7)) as PyScalar;
 * console.log(n); // 7
 * ```
 */
export type PyScalar = null | boolean | number | bigint | string | Uint8Array;

/**
 * A value {@link readPickle} returns (see the table at the top of this file).
 *
 * @example
 * ```ts
 * import { readPickle, writePickle, type PyValue } from 'cifarkit/pickle';
 *
 * const value: PyValue = readPickle(writePickle([1, 'two', null]));
 * if (Array.isArray(value)) console.log(value.length); // 3
 * ```
 */
export type PyValue =
  | PyScalar
  | PyValue[]
  | Map<PyValue, PyValue>
  | NdArray
  | DType;

/**
 * A Python dict: a Map in the pickle's insertion order. Its keys may be Python 3 `str` (JS
 * strings) or Python 2 `str` (Uint8Array), as in the original CIFAR files.
 *
 * @example
 * ```ts
 * import { readPickle, writePickle, type PyDict } from 'cifarkit/pickle';
 *
 * const dict = readPickle(writePickle(new Map([['labels', [3, 8]]]))) as PyDict;
 * console.log(dict.get('labels')); // [3, 8]
 * ```
 */
export type PyDict = Map<PyValue, PyValue>;

/**
 * A Python tuple: JS arrays are written as lists, so a tuple is an array wrapped in this.
 *
 * @example
 * ```ts
 * import { PyTuple, writePickle } from 'cifarkit/pickle';
 *
 * // Python: pickle.dumps({'size': (32, 32)})
 * const bytes = writePickle(new Map([['size', new PyTuple([32, 32])]]));
 * ```
 */
export class PyTuple {
  /** @param items the tuple's elements, in order */
  constructor(readonly items: readonly PyWritable[]) {}
}

/**
 * A value the writer can pickle.
 *
 * | JavaScript                                   | Python                                |
 * |----------------------------------------------|---------------------------------------|
 * | null, boolean                                | None, bool                            |
 * | number that is a safe integer (-0 is 0)      | int                                   |
 * | any other number (0.5, NaN, Infinity, 2**60) | float                                 |
 * | bigint                                       | int                                   |
 * | string                                       | str (Python 2 str in `python2` mode)  |
 * | Uint8Array                                   | bytes (Python 2 str in `python2` mode)|
 * | array / PyTuple                              | list / tuple                          |
 * | Map                                          | dict, in insertion order              |
 * | NdArray (numeric, bool, 'S', 'V' or object)  | numpy.ndarray                         |
 *
 * @example
 * ```ts
 * import { PyTuple, writePickle, type PyWritable } from 'cifarkit/pickle';
 *
 * const value: PyWritable = new Map<PyWritable, PyWritable>([
 *   ['labels', [0, 6, 9]],
 *   ['shape', new PyTuple([32, 32, 3])],
 *   ['name', new Uint8Array([104, 105])],
 * ]);
 * const bytes = writePickle(value, { protocol: 2 });
 * ```
 */
export type PyWritable =
  | PyScalar
  | PyWritable[]
  | PyTuple
  | Map<PyWritable, PyWritable>
  | NdArray;

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

// The numpy part of the shapes. Nothing here runs Python code: the allowlisted numpy globals
// (see reader.ts) construct these objects, and `__setstate__` receives numpy's own state tuples
// (`ndarray.__reduce__`, `dtype.__reduce__`) and validates them.

/**
 * A numpy dtype reduced to what cifarkit needs: kind, item size and byte order. `descr` is
 * numpy's short code without the byte order (`'u1'`, `'i4'`, `'f8'`, `'O'`, `'S5'`).
 * Throws NdArrayError NDARRAY_INVALID for a code that is not one.
 *
 * @example
 * ```ts
 * import { DType } from 'cifarkit/pickle';
 *
 * const dtype = new DType('i4');
 * console.log(dtype.kind, dtype.itemsize, dtype.name); // i 4 i4
 * ```
 */
export class DType {
  /** numpy kind: 'u' unsigned int, 'i' signed int, 'f' float, 'b' bool, 'O' object, others as numpy names them. */
  kind: string;
  /** Bytes per element (object dtype: pointer size, irrelevant here). */
  itemsize: number;
  /** '<' little, '>' big, '|' not applicable. */
  byteorder = '|';

  constructor(descr: string) {
    const m = /^([a-zA-Z])(\d*)$/.exec(descr);
    if (!m) throw new NdArrayError(ErrorCode.NDARRAY_INVALID, `unknown numpy dtype '${descr}'`);
    this.kind = m[1] === 'B' ? 'u' : m[1]!;
    this.itemsize = m[2] ? Number(m[2]) : 1;
  }

  /** numpy's `dtype.__setstate__`: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]). */
  __setstate__(state: PyValue): void {
    if (!Array.isArray(state) || state.length < 8) return;
    const order = state[1];
    if (typeof order === 'string' || isBytes(order)) this.byteorder = pyText(order);
    if (state[3] !== null || state[4] !== null) {
      throw new NdArrayError(ErrorCode.NDARRAY_UNSUPPORTED_DTYPE, 'structured numpy dtypes are not supported');
    }
  }

  /** numpy's `dtype.str` without a '|': `'u1'`, `'<i4'`, `'>f8'`. */
  get name(): string {
    return `${this.byteorder === '|' ? '' : this.byteorder}${this.kind}${this.itemsize}`;
  }
}

/**
 * A numpy ndarray: its shape, dtype, memory order and either the raw element bytes
 * (`buffer`, for numeric dtypes, exactly as pickled, never copied) or the elements themselves
 * (`objects`, for dtype=object, in C order as numpy pickles them). {@link readPickle} returns
 * these for pickled arrays; {@link writePickle} writes them as numpy does.
 *
 * @example
 * ```ts
 * import { DType, NdArray, readPickle, writePickle } from 'cifarkit/pickle';
 *
 * // A (2, 3) uint8 array, validated against its shape and dtype.
 * const a = new NdArray().init([2, 3], new DType('u1'), false, new Uint8Array([1, 2, 3, 4, 5, 6]));
 * const back = readPickle(writePickle(a)) as NdArray;
 * console.log(back.shape, back.buffer); // [2, 3] Uint8Array(6) [1, 2, 3, 4, 5, 6]
 * ```
 */
export class NdArray {
  /** The length of each axis. */
  shape: number[] = [];
  /** The element type (numpy's `dtype`). */
  dtype: DType = new DType('u1');
  /** Whether `buffer` is in Fortran (column-major) order rather than C (row-major) order. */
  fortranOrder = false;
  /** The element bytes of a numeric array in memory order; null for an object array. */
  buffer: Uint8Array | null = new Uint8Array(0);
  /** The elements of an object array (dtype 'O') in C order; null otherwise. */
  objects: PyValue[] | null = null;

  /** Number of elements (product of the shape). */
  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  /** Length of the first axis (numpy's `len(a)`); 0-d arrays have none. */
  get length(): number {
    return this.shape.length === 0 ? 1 : this.shape[0]!;
  }

  /** numpy's `ndarray.__setstate__`: ([version,] shape, dtype, is_fortran, data). */
  __setstate__(state: PyValue): void {
    if (!Array.isArray(state) || (state.length !== 5 && state.length !== 4)) {
      throw new NdArrayError(ErrorCode.NDARRAY_INVALID, 'ndarray state is not a 4- or 5-tuple');
    }
    const [shape, dtype, fortran, data] = state.length === 5 ? state.slice(1) : state;
    this.init(shape ?? null, dtype ?? null, fortran === true || fortran === 1, data ?? null);
  }

  /** Fills the array from pickled parts, validating that they agree. */
  init(shape: PyValue, dtype: PyValue, fortran: boolean, data: PyValue): this {
    if (!(dtype instanceof DType)) throw new NdArrayError(ErrorCode.NDARRAY_INVALID, 'ndarray dtype is not a numpy dtype');
    this.shape = checkShape(shape);
    this.dtype = dtype;
    this.fortranOrder = fortran;
    const size = this.size;
    if (dtype.kind === 'O') {
      if (!Array.isArray(data)) throw new NdArrayError(ErrorCode.NDARRAY_INVALID, 'object ndarray state holds no list');
      if (data.length !== size) {
        throw new NdArrayError(ErrorCode.NDARRAY_INVALID, `object ndarray of shape (${this.shape}) holds ${data.length} elements, expected ${size}`);
      }
      this.objects = data;
      this.buffer = null;
      return this;
    }
    if (dtype.itemsize === 0 && size > 0) {
      throw new NdArrayError(ErrorCode.NDARRAY_INVALID, `ndarray of shape (${this.shape}) has elements of 0 bytes (dtype ${dtype.name})`);
    }
    const bytes = toBytes(data);
    if (bytes === null) throw new NdArrayError(ErrorCode.NDARRAY_INVALID, 'ndarray state holds no byte payload');
    const expected = size * dtype.itemsize;
    if (bytes.length !== expected) {
      throw new NdArrayError(
        ErrorCode.NDARRAY_INVALID,
        `ndarray of shape (${this.shape}) and dtype ${dtype.name} needs ${expected} bytes, the pickle holds ${bytes.length}`,
      );
    }
    this.buffer = bytes;
    this.objects = null;
    return this;
  }
}

function checkShape(shape: PyValue): number[] {
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new NdArrayError(ErrorCode.NDARRAY_INVALID, 'ndarray shape is not a tuple of non-negative integers');
  }
  let size = 1;
  for (const d of dims as number[]) {
    size *= d;
    if (!Number.isSafeInteger(size)) throw new NdArrayError(ErrorCode.NDARRAY_INVALID, `ndarray shape (${dims}) is too large`);
  }
  return dims as number[];
}

/** Bytes from a pickled payload: bytes/bytearray as they are, a Python 2 str in latin-1 from protocol 0. */
function toBytes(data: PyValue): Uint8Array | null {
  if (isBytes(data)) return data;
  if (typeof data === 'string') {
    chargeBytes(data.length);
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const c = data.charCodeAt(i);
      if (c > 0xff) return null;
      out[i] = c;
    }
    return out;
  }
  return null;
}

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
  // Short text (a batch's 10,000 file names): one call, no TextDecoder round trip. Latin-1 is
  // one code point per byte, so this is exact for every byte.
  if (bytes.length <= 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
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

/**
 * `pyText` of many values at once (a batch's 10,000 file names). When they are all ASCII bytes
 * without a newline (every CIFAR batch), they are joined with newlines, decoded in one call and
 * split: two strings' worth of work instead of 10,000 decoder calls. Anything else goes one by one.
 */
export function pyTexts(values: readonly (string | Uint8Array)[]): string[] {
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (typeof v === 'string') return values.map(pyText);
    total += v.length + 1;
  }
  if (values.length === 0) return [];
  const joined = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as Uint8Array;
    for (let k = 0; k < v.length; k++) {
      const b = v[k]!;
      if (b > 0x7f || b === 0x0a) return values.map(pyText);
      joined[at++] = b;
    }
    joined[at++] = 0x0a;
  }
  return utf8.decode(joined.subarray(0, total - 1)).split('\n');
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
  // instanceof, not constructor.name: a minifier renames the classes.
  if (v instanceof NdArray) return 'numpy.ndarray';
  if (v instanceof DType) return 'numpy.dtype';
  return 'object';
}
