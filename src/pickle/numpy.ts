/**
 * numpy arrays and dtypes as the pickle writer writes them: the `__reduce__` results of numpy's
 * `ndarray.__reduce_ex__(protocol)` and `dtype.__reduce__`, for numpy 1 and 2 module paths.
 *
 * - protocols 2-4, and object arrays: `_reconstruct(ndarray, (0,), b'b')` with the state
 *   `(1, shape, dtype, is_fortran, payload)`, the payload the element bytes (`tobytes()`) or,
 *   for dtype=object, a list of the elements;
 * - protocol 5 (not in the python2 layout): numpy 2's `_frombuffer(bytearray, dtype, shape,
 *   order)`, the bytearray the array's own buffer (BYTEARRAY8, never copied);
 * - dtypes: `dtype(descr, False, True)` (Python 2: `dtype(descr, 0, 1)`) with the state
 *   `(3, byteorder, None, None, None, elsize, alignment, flags)`, written once per pickle and
 *   then fetched, as numpy's built-in dtypes are singletons.
 *
 * Core code: web-standard APIs only.
 */
import { DType, type NdArray } from './values.js';
import { FreshByteArray, FreshBytes, FreshList, FreshTuple, Global, refuse, type Reduction } from './reduce.js';

/** b'b', the typecode numpy passes to _reconstruct. */
const TYPECODE_B = new Uint8Array([0x62]);
/** The item sizes numpy has for each numeric kind. */
const NUMERIC_SIZES: Readonly<Record<string, readonly number[]>> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 16], c: [8, 16, 32] };

/** A numpy dtype as `dtype.__reduce__` gives it, memoized by value. */
export class DTypeValue {
  readonly key: string;
  constructor(
    readonly descr: string,
    readonly order: string,
    readonly elsize: number,
    readonly alignment: number,
    readonly flags: number,
  ) {
    this.key = `D${descr}${order}`;
  }
}

/** The reductions of one pickle's arrays and dtypes (its dtypes are shared by value). */
export class NumpyReducer {
  private readonly reconstruct: Global;
  private readonly frombuffer: Global;
  private readonly ndarrayClass = new Global('numpy', 'ndarray');
  private readonly dtypeClass = new Global('numpy', 'dtype');
  private readonly dtypes = new Map<string, DTypeValue>();

  /** `numpyModule`: 'numpy.core' or 'numpy._core'; `protocol5`: numpy 2's buffer path applies. */
  constructor(
    numpyModule: string,
    private readonly py2: boolean,
    private readonly protocol5: boolean,
  ) {
    this.reconstruct = new Global(`${numpyModule}.multiarray`, '_reconstruct');
    this.frombuffer = new Global(`${numpyModule}.numeric`, '_frombuffer');
  }

  /** `dtype.__reduce__`. */
  dtype(d: DTypeValue): Reduction {
    const args = this.py2 ? new FreshTuple([d.descr, 0, 1]) : new FreshTuple([d.descr, false, true]);
    const state = new FreshTuple([3, d.order, null, null, null, d.elsize, d.alignment, d.flags]);
    return { callable: this.dtypeClass, args, state };
  }

  /** numpy's `ndarray.__reduce_ex__(protocol)`, after checking that the array is consistent. */
  ndarray(a: NdArray): Reduction {
    if (!(a.dtype instanceof DType)) refuse('an NdArray whose dtype is not a DType');
    const shape = a.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      refuse('an NdArray whose shape is not a list of non-negative integers');
    }
    let size = 1;
    for (const d of shape) size *= d;
    if (!Number.isSafeInteger(size)) refuse(`an NdArray of shape (${shape.join(', ')}) is too large`);
    const dtype = this.dtypeValue(a.dtype);
    const isObject = a.dtype.kind === 'O';
    let data: Uint8Array | readonly unknown[];
    if (isObject) {
      if (!Array.isArray(a.objects) || a.objects.length !== size) {
        refuse(`an object NdArray of shape (${shape.join(', ')}) needs ${size} elements in objects, it has ${Array.isArray(a.objects) ? a.objects.length : 'none'}`);
      }
      data = a.objects;
    } else {
      const expected = size * a.dtype.itemsize;
      if (!(a.buffer instanceof Uint8Array) || a.buffer.length !== expected) {
        refuse(
          `an NdArray of shape (${shape.join(', ')}) and dtype ${a.dtype.name} needs ${expected} bytes in buffer, it has ${a.buffer instanceof Uint8Array ? a.buffer.length : 'none'}`,
        );
      }
      data = a.buffer;
    }
    // numpy's is_fortran flag: F-contiguous and not C-contiguous, i.e. two axes longer than 1.
    let longAxes = 0;
    for (const d of shape) if (d > 1) longAxes++;
    const fortran = a.fortranOrder === true && longAxes > 1 && size > 0;
    const shapeTuple = new FreshTuple(shape);
    if (this.protocol5 && !this.py2 && !isObject && dtype.elsize !== 0) {
      // numpy 2's protocol 5 path for contiguous arrays: _frombuffer(bytearray, dtype, shape, order).
      const args = new FreshTuple([new FreshByteArray(data as Uint8Array), dtype, shapeTuple, fortran ? 'F' : 'C']);
      return { callable: this.frombuffer, args, state: null };
    }
    const args = new FreshTuple([this.ndarrayClass, new FreshTuple([0]), new FreshBytes(TYPECODE_B)]);
    const payload = isObject ? new FreshList(data as readonly unknown[]) : new FreshBytes(data as Uint8Array);
    return { callable: this.reconstruct, args, state: new FreshTuple([1, shapeTuple, dtype, fortran, payload]) };
  }

  private dtypeValue(dtype: DType): DTypeValue {
    const { kind, itemsize } = dtype;
    let descr: string;
    let order: string;
    let elsize = -1;
    let alignment = -1;
    let flags = 0;
    if (kind === 'O') {
      descr = 'O8';
      order = '|';
      flags = 63; // NPY_OBJECT_DTYPE_FLAGS
    } else if (kind === 'S' || kind === 'V') {
      if (!Number.isSafeInteger(itemsize) || itemsize < 0) refuse(`numpy dtype '${kind}${itemsize}' has an invalid size`);
      descr = `${kind}${itemsize}`;
      order = '|';
      elsize = itemsize;
      alignment = 1;
    } else if (Object.hasOwn(NUMERIC_SIZES, kind) && NUMERIC_SIZES[kind]!.includes(itemsize)) {
      descr = `${kind}${itemsize}`;
      order = itemsize === 1 ? '|' : dtype.byteorder === '>' ? '>' : '<';
    } else {
      refuse(`numpy dtype '${dtype.name}' is not supported by the writer (numeric, bool, bytes 'S', void 'V' or object only)`);
    }
    const key = `${descr}${order}`;
    let d = this.dtypes.get(key);
    if (d === undefined) {
      d = new DTypeValue(descr, order, elsize, alignment, flags);
      this.dtypes.set(key, d);
    }
    return d;
  }
}
