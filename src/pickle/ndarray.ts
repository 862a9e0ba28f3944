/**
 * Reading numpy arrays as JS data: the elements of an {@link NdArray} of any numeric dtype and
 * memory order, in C order, as uint8 (losslessly) or as JS numbers.
 *
 * The classes themselves (`NdArray`, `DType`) live in values.ts with the other value shapes;
 * they are re-exported here, where callers that convert arrays look for them.
 */
import { ErrorCode, NdArrayError } from '../errors.js';
import { NdArray, type PyValue } from './values.js';

export { DType, NdArray } from './values.js';

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
