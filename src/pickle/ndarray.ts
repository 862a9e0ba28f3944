/**
 * The part of numpy that pickles carry: dtypes and arrays, rebuilt as plain data.
 *
 * Nothing here runs Python code. The allowlisted numpy globals (see `reader.ts`) construct these
 * objects; `__setstate__` receives numpy's own state tuples (`ndarray.__reduce__`,
 * `dtype.__reduce__`) and validates them.
 */
import { ErrorCode, NdArrayError } from '../errors.js';
import { chargeBytes, isBytes, pyText, type PyValue } from './values.js';

/** A numpy dtype reduced to what cifarkit needs. */
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

  get name(): string {
    return `${this.byteorder === '|' ? '' : this.byteorder}${this.kind}${this.itemsize}`;
  }
}

/**
 * A numpy ndarray: its shape, dtype, memory order and either the raw element bytes
 * (`buffer`, for numeric dtypes, exactly as pickled, never copied) or the elements themselves
 * (`objects`, for dtype=object, in C order as numpy pickles them).
 */
export class NdArray {
  shape: number[] = [];
  dtype: DType = new DType('u1');
  fortranOrder = false;
  buffer: Uint8Array | null = new Uint8Array(0);
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

/** Reads element `i` (in memory order) of a numeric array as a JS number. */
function elementReader(a: NdArray): (i: number) => number {
  const buf = a.buffer!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = a.dtype.byteorder !== '>';
  const { kind, itemsize } = a.dtype;
  const key = `${kind}${itemsize}`;
  switch (key) {
    case 'u1':
      return (i) => buf[i]!;
    case 'b1':
      return (i) => (buf[i] ? 1 : 0);
    case 'i1':
      return (i) => view.getInt8(i);
    case 'u2':
      return (i) => view.getUint16(i * 2, le);
    case 'i2':
      return (i) => view.getInt16(i * 2, le);
    case 'u4':
      return (i) => view.getUint32(i * 4, le);
    case 'i4':
      return (i) => view.getInt32(i * 4, le);
    case 'u8':
      return (i) => Number(view.getBigUint64(i * 8, le));
    case 'i8':
      return (i) => Number(view.getBigInt64(i * 8, le));
    case 'f4':
      return (i) => view.getFloat32(i * 4, le);
    case 'f8':
      return (i) => view.getFloat64(i * 8, le);
    default:
      throw new NdArrayError(ErrorCode.NDARRAY_UNSUPPORTED_DTYPE, `numpy dtype ${a.dtype.name} is not supported`);
  }
}

/** Maps a C-order flat index to the memory index of a Fortran-order array. */
function fortranIndex(shape: number[]): (i: number) => number {
  // C order: last axis fastest. Fortran order: first axis fastest.
  return (i) => {
    let rest = i;
    let mem = 0;
    let stride = 1;
    const coords = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      coords[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    for (let d = 0; d < shape.length; d++) {
      mem += coords[d]! * stride;
      stride *= shape[d]!;
    }
    return mem;
  };
}

/**
 * The elements of a numeric array in C (row-major) order as uint8, without copying when the
 * array already is C-ordered uint8. Any other integer, bool or float dtype is accepted only when
 * every value is an integer 0..255 (lossless), else NDARRAY_UNSUPPORTED_DTYPE.
 */
export function ndarrayToUint8(a: NdArray): Uint8Array {
  if (a.objects) return objectsToUint8(a.objects);
  const isU8 = (a.dtype.kind === 'u' && a.dtype.itemsize === 1) || (a.dtype.kind === 'b' && a.dtype.itemsize === 1);
  const cOrder = !a.fortranOrder || a.shape.filter((d) => d > 1).length <= 1;
  if (isU8 && cOrder) return a.buffer!;
  const read = elementReader(a);
  const mem = cOrder ? (i: number) => i : fortranIndex(a.shape);
  if (isU8 && a.shape.length === 2) {
    // The common Fortran case, (N, K) uint8: a plain transpose.
    const [rows, cols] = a.shape as [number, number];
    const src = a.buffer!;
    const out = new Uint8Array(rows * cols);
    for (let c = 0; c < cols; c++) {
      const base = c * rows;
      for (let r = 0; r < rows; r++) out[r * cols + c] = src[base + r]!;
    }
    return out;
  }
  const n = a.size;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = read(mem(i));
    if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
      throw new NdArrayError(
        ErrorCode.NDARRAY_UNSUPPORTED_DTYPE,
        `numpy dtype ${a.dtype.name} holds ${v} at element ${i}, which is not a uint8 value; cifarkit converts only losslessly`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** A list of Python ints (an object array's elements) as uint8, refusing anything else. */
export function objectsToUint8(values: readonly PyValue[]): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 255) || !Number.isInteger(v)) {
      const shown = typeof v === 'number' ? String(v) : v === null ? 'None' : typeof v;
      throw new NdArrayError(
        ErrorCode.NDARRAY_UNSUPPORTED_DTYPE,
        `object array holds ${shown} at element ${i}, which is not an integer 0..255`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** The elements of a numeric or object array as JS values in C order (for small arrays such as labels). */
export function ndarrayToList(a: NdArray): PyValue[] {
  if (a.objects) return a.objects;
  const read = elementReader(a);
  const cOrder = !a.fortranOrder || a.shape.filter((d) => d > 1).length <= 1;
  const mem = cOrder ? (i: number) => i : fortranIndex(a.shape);
  const out: PyValue[] = new Array(a.size);
  for (let i = 0; i < out.length; i++) out[i] = read(mem(i));
  return out;
}
