/**
 * A pickle writer that writes what CPython's `pickle` (the C `_pickle` module) and numpy 2
 * write, opcode for opcode, so that files are indistinguishable in structure from theirs.
 * Its `python2` mode writes what Python 2's cPickle wrote, as in the original CIFAR archives.
 *
 * Spec: https://docs.python.org/3/library/pickle.html and CPython's Lib/pickletools.py; the
 * choices below follow CPython's Modules/_pickle.c (save, save_reduce, batch_list_exact,
 * batch_dict_exact, _Pickler_Write, _Pickler_CommitFrame, _Pickler_write_bytes), numpy's
 * `ndarray.__reduce__`/`__reduce_ex__` and `dtype.__reduce__`, and Python 2's cPickle.c.
 *
 * JS has no object identity for strings, so the memo follows CPython for objects the way they
 * are built when a program reads data (not interned literals):
 * - lists, dicts, tuples, ndarrays and Uint8Arrays are memoized by JS identity: the same object
 *   written twice becomes BINGET/LONG_BINGET, and self-references load as such;
 * - strings of more than one character are distinct objects each time they occur (memoized, never
 *   fetched); '' and one-character strings below U+0100, and bytes of length 0 or 1, are CPython
 *   singletons and are fetched from the memo when they occur again;
 * - numpy dtypes are fetched by value (numpy's built-in dtypes are singletons).
 *
 * Core code: web-standard APIs only (Uint8Array, DataView).
 */
import { ErrorCode, UsageError } from '../errors.js';
import { DType, NdArray } from './ndarray.js';
import { concatBytes } from '../bytes.js';
import { OP } from './opcodes.js';

/** A Python tuple (JS arrays are written as lists). */
export class PyTuple {
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
 */
export type PyWritable =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyWritable[]
  | PyTuple
  | Map<PyWritable, PyWritable>
  | NdArray;

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
 */
export function writePickleChunks(value: PyWritable, options: WritePickleOptions = {}): Uint8Array[] {
  return new Pickler(checkOptions(options)).dump(value);
}

/** The pickle as one buffer. */
export function writePickle(value: PyWritable, options: WritePickleOptions = {}): Uint8Array {
  const chunks = writePickleChunks(value, options);
  // A lone chunk may be a view of the caller's bytes: hand out a buffer of its own.
  if (chunks.length === 1 && chunks[0]!.byteLength !== chunks[0]!.buffer.byteLength) return chunks[0]!.slice();
  return concatBytes(chunks);
}

// ---------------------------------------------------------------------------------------------
// Options

interface Settings {
  protocol: 2 | 3 | 4 | 5;
  python2: boolean;
  numpy: string;
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

// ---------------------------------------------------------------------------------------------
// Constants of CPython's _pickle.c

/** Frames close at the first save() once they hold this many bytes; payloads this big bypass them. */
const FRAME_SIZE_TARGET = 64 * 1024;
/** A frame of fewer bytes is not framed at all. */
const FRAME_SIZE_MIN = 4;
/** FRAME opcode + eight-byte length. */
const FRAME_HEADER_SIZE = 9;
/** Items per APPENDS / SETITEMS. */
const BATCHSIZE = 1000;
/** Nesting deeper than this is refused (CPython's own pickler stops near 1000). */
const MAX_DEPTH = 2000;

const INITIAL_CAPACITY = 16 * 1024;
const TYPECODE_B = new Uint8Array([0x62]); // b'b', the typecode numpy passes to _reconstruct

// ---------------------------------------------------------------------------------------------
// Internal values: the pieces of numpy's and CPython's __reduce__ results

/** A module-level Python object (function or class), written as GLOBAL / STACK_GLOBAL. */
class Global {
  readonly key: string;
  constructor(
    readonly module: string,
    readonly name: string,
  ) {
    this.key = `G${module}\n${name}`;
  }
}

/** A tuple created inside a __reduce__ call: never seen before, so never fetched from the memo. */
class FreshTuple {
  constructor(readonly items: readonly unknown[]) {}
}

/** A list created inside a __reduce__ call (an object array's elements). */
class FreshList {
  constructor(readonly items: readonly unknown[]) {}
}

/** A bytes object created inside a __reduce__ call (`ndarray.tobytes()`, b'b'). */
class FreshBytes {
  constructor(readonly data: Uint8Array) {}
}

/** A bytearray (protocol 5 `PickleBuffer` of a writable array), BYTEARRAY8. */
class FreshByteArray {
  constructor(readonly data: Uint8Array) {}
}

/** A str that CPython shares between uses (interned names): memoized under `key`. */
class SharedStr {
  constructor(
    readonly text: string,
    readonly key: string,
  ) {}
}

/** The str `bytes.decode('latin-1')` of protocol 2's `_codecs.encode(str, 'latin1')`. */
class Latin1Str {
  constructor(readonly data: Uint8Array) {}
}

/** A numpy dtype as `dtype.__reduce__` gives it, memoized by value. */
class DTypeValue {
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

const LATIN1 = new SharedStr('latin1', 'Llatin1');
const CODECS_ENCODE = new Global('_codecs', 'encode');
/** `builtins.bytes` as protocol 2 names it (fix_imports). */
const BYTES_CLASS = new Global('__builtin__', 'bytes');
/** The item sizes numpy has for each numeric kind. */
const NUMERIC_SIZES: Readonly<Record<string, readonly number[]>> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8, 16], c: [8, 16, 32] };

/** Thrown while writing; the containers on the way out add where it happened. */
class Refusal extends Error {
  readonly segments: string[] = [];
}

function refuse(what: string): never {
  throw new Refusal(what);
}

// ---------------------------------------------------------------------------------------------
// The pickler

class Pickler {
  private buf = new Uint8Array(INITIAL_CAPACITY);
  private view = new DataView(this.buf.buffer);
  /** Write position in `buf`. */
  private pos = 0;
  /** `buf[0, start)` already belongs to `chunks`. */
  private start = 0;
  private readonly chunks: Uint8Array[] = [];
  private framing = false;
  private frameStart = -1;

  private readonly memo = new Map<unknown, number>();
  private memoNext: number;
  private readonly proto: 2 | 3 | 4 | 5;
  private readonly py2: boolean;
  private readonly reconstruct: Global;
  private readonly frombuffer: Global;
  private readonly ndarrayClass = new Global('numpy', 'ndarray');
  private readonly dtypeClass = new Global('numpy', 'dtype');
  private readonly dtypes = new Map<string, DTypeValue>();

  private depth = 0;
  /** Open memoized containers (list, dict, ndarray): a tuple met again at the same count contains itself. */
  private openContainers = 0;
  private readonly tuplesInProgress = new Map<object, number>();

  constructor(settings: Settings) {
    this.proto = settings.protocol;
    this.py2 = settings.python2;
    this.memoNext = this.py2 ? 1 : 0; // cPickle's put2: len(memo) + 1
    this.reconstruct = new Global(`${settings.numpy}.multiarray`, '_reconstruct');
    this.frombuffer = new Global(`${settings.numpy}.numeric`, '_frombuffer');
  }

  dump(value: PyWritable): Uint8Array[] {
    this.reserve(2);
    this.buf[this.pos++] = OP.PROTO;
    this.buf[this.pos++] = this.proto;
    if (this.proto >= 4) this.framing = true;
    try {
      this.save(value, false);
    } catch (err) {
      if (err instanceof Refusal) {
        throw new UsageError(ErrorCode.INVALID_ARGUMENT, `cannot pickle ${describePath(err.segments.reverse())}: ${err.message}`);
      }
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'cannot pickle the value: it is nested too deeply for this runtime', { cause: err });
      }
      throw err;
    }
    this.op(OP.STOP);
    this.commitFrame();
    this.flush();
    return this.chunks;
  }

  // -- output buffer ------------------------------------------------------------------------

  /** Makes room for `n` bytes at `pos`, opening a frame first when framing (`_Pickler_Write`). */
  private reserve(n: number): void {
    const openFrame = this.framing && this.frameStart < 0;
    const need = this.pos + n + (openFrame ? FRAME_HEADER_SIZE : 0);
    if (need > this.buf.length) this.grow(need - this.pos);
    if (openFrame) {
      this.frameStart = this.pos;
      this.pos += FRAME_HEADER_SIZE;
    }
  }

  private grow(extra: number): void {
    const used = this.pos - this.start;
    const next = new Uint8Array(Math.max(INITIAL_CAPACITY, 2 * (used + extra)));
    // Bytes before `start` are views held by `chunks`: they stay in the old buffer.
    next.set(this.buf.subarray(this.start, this.pos));
    if (this.frameStart >= 0) this.frameStart -= this.start;
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.pos = used;
    this.start = 0;
  }

  private flush(): void {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  /** `_Pickler_CommitFrame`: writes the open frame's header, or drops it when the frame is tiny. */
  private commitFrame(): void {
    if (this.frameStart < 0) return;
    const at = this.frameStart;
    const length = this.pos - at - FRAME_HEADER_SIZE;
    if (length >= FRAME_SIZE_MIN) {
      this.buf[at] = OP.FRAME;
      this.view.setUint32(at + 1, length % 2 ** 32, true);
      this.view.setUint32(at + 5, Math.floor(length / 2 ** 32), true);
    } else {
      this.buf.copyWithin(at, at + FRAME_HEADER_SIZE, this.pos);
      this.pos -= FRAME_HEADER_SIZE;
    }
    this.frameStart = -1;
  }

  /** `_Pickler_OpcodeBoundary`, called where CPython's save() starts. */
  private boundary(): void {
    if (this.frameStart >= 0 && this.pos - this.frameStart - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  private op(code: number): void {
    this.reserve(1);
    this.buf[this.pos++] = code;
  }

  private opU8(code: number, v: number): void {
    this.reserve(2);
    this.buf[this.pos++] = code;
    this.buf[this.pos++] = v;
  }

  private opU16(code: number, v: number): void {
    this.reserve(3);
    this.buf[this.pos] = code;
    this.view.setUint16(this.pos + 1, v, true);
    this.pos += 3;
  }

  private opI32(code: number, v: number): void {
    this.reserve(5);
    this.buf[this.pos] = code;
    this.view.setInt32(this.pos + 1, v, true);
    this.pos += 5;
  }

  private opU32(code: number, v: number): void {
    this.reserve(5);
    this.buf[this.pos] = code;
    this.view.setUint32(this.pos + 1, v, true);
    this.pos += 5;
  }

  /** Writes an opcode with a little-endian length of `lengthSize` bytes (1, 4 or 8), no payload. */
  private header(code: number, lengthSize: 1 | 4 | 8, length: number): void {
    this.reserve(1 + lengthSize);
    const at = this.pos;
    this.buf[at] = code;
    if (lengthSize === 1) this.buf[at + 1] = length;
    else {
      this.view.setUint32(at + 1, length % 2 ** 32, true);
      if (lengthSize === 8) this.view.setUint32(at + 5, Math.floor(length / 2 ** 32), true);
    }
    this.pos = at + 1 + lengthSize;
  }

  /**
   * `_Pickler_write_bytes`: an opcode, its length and its payload. A payload of 64 KiB or more
   * closes the open frame and goes out unframed, as its own chunk (not copied).
   */
  private payload(code: number, lengthSize: 1 | 4 | 8, data: Uint8Array): void {
    if (data.length < FRAME_SIZE_TARGET) {
      this.header(code, lengthSize, data.length);
      this.reserve(data.length);
      this.buf.set(data, this.pos);
      this.pos += data.length;
      return;
    }
    this.commitFrame();
    const framing = this.framing;
    this.framing = false;
    this.header(code, lengthSize, data.length);
    this.flush();
    this.chunks.push(data);
    this.framing = framing;
  }

  // -- memo ---------------------------------------------------------------------------------

  /** memo_put / cPickle put2: stores the stack top under the next index (`key`: how to find it again). */
  private put(key: unknown): void {
    const idx = this.memoNext++;
    if (key !== undefined) this.memo.set(key, idx);
    if (this.proto >= 4) this.op(OP.MEMOIZE);
    else if (idx < 256) this.opU8(OP.BINPUT, idx);
    else this.opU32(OP.LONG_BINPUT, idx);
  }

  private get(idx: number): void {
    if (idx < 256) this.opU8(OP.BINGET, idx);
    else this.opU32(OP.LONG_BINGET, idx);
  }

  /** Emits a memo fetch when `key` is memoized. */
  private fetched(key: unknown): boolean {
    const idx = this.memo.get(key);
    if (idx === undefined) return false;
    this.get(idx);
    return true;
  }

  // -- save ---------------------------------------------------------------------------------

  /** `save()`. `fresh` (Python 2 only): created by a __reduce__ call, so cPickle does not memoize it. */
  private save(v: unknown, fresh: boolean): void {
    this.boundary();
    switch (typeof v) {
      case 'number':
        if (Number.isSafeInteger(v)) this.saveInt(v);
        else this.saveFloat(v);
        return;
      case 'string':
        this.saveStr(v, fresh);
        return;
      case 'boolean':
        this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
        return;
      case 'bigint':
        this.saveBigInt(v);
        return;
      case 'object':
        break;
      case 'undefined':
        return refuse('undefined has no Python equivalent (use null for None)');
      default:
        return refuse(`a ${typeof v} has no Python equivalent`);
    }
    if (v === null) {
      this.op(OP.NONE);
      return;
    }
    if (this.fetched(v)) return;
    if (v instanceof Uint8Array) this.saveBytes(v.length >= 2 ? v : undefined, v, fresh);
    else if (Array.isArray(v)) this.saveList(v, v, fresh);
    else if (v instanceof Map) this.saveDict(v);
    else if (v instanceof PyTuple) this.saveTuple(v.items, v, fresh);
    else if (v instanceof NdArray) this.saveNdArray(v);
    else if (v instanceof FreshTuple) this.saveTuple(v.items, undefined, fresh);
    else if (v instanceof FreshBytes) this.saveBytes(undefined, v.data, fresh);
    else if (v instanceof Global) this.saveGlobal(v);
    else if (v instanceof SharedStr) this.saveSharedStr(v);
    else if (v instanceof DTypeValue) this.saveDType(v);
    else if (v instanceof Latin1Str) this.saveLatin1Str(v.data);
    else if (v instanceof FreshList) this.saveList(v.items, undefined, fresh);
    else if (v instanceof FreshByteArray) {
      this.payload(OP.BYTEARRAY8, 8, v.data);
      this.put(undefined);
    } else refuse(describeForeign(v));
  }

  private saveInt(v: number): void {
    if (v >= 0 && v <= 0xff) this.opU8(OP.BININT1, v);
    else if (v >= 0 && v <= 0xffff) this.opU16(OP.BININT2, v);
    else if (v >= -0x80000000 && v <= 0x7fffffff) this.opI32(OP.BININT, v);
    else if (this.py2) this.saveTextInt(String(v));
    else this.saveLong(BigInt(v));
  }

  private saveBigInt(v: bigint): void {
    if (v >= -0x80000000n && v <= 0x7fffffffn) this.saveInt(Number(v));
    else if (this.py2 && v >= -(2n ** 63n) && v < 2n ** 63n) this.saveTextInt(v.toString());
    else this.saveLong(v);
  }

  /** Python 2 `int` beyond 32 bits: cPickle writes it as text, `I<decimal>\n`. */
  private saveTextInt(decimal: string): void {
    this.reserve(decimal.length + 2);
    this.buf[this.pos++] = OP.INT;
    for (let i = 0; i < decimal.length; i++) this.buf[this.pos++] = decimal.charCodeAt(i);
    this.buf[this.pos++] = 0x0a;
  }

  /** LONG1 / LONG4: the shortest little-endian two's complement. */
  private saveLong(v: bigint): void {
    const magnitude = v < 0n ? -v - 1n : v;
    const n = (magnitude === 0n ? 0 : Math.floor(magnitude.toString(2).length / 8)) + 1;
    const hex = BigInt.asUintN(8 * n, v).toString(16).padStart(2 * n, '0');
    if (n < 256) this.header(OP.LONG1, 1, n);
    else this.header(OP.LONG4, 4, n);
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const at = 2 * (n - 1 - i);
      this.buf[this.pos++] = parseInt(hex.slice(at, at + 2), 16);
    }
  }

  private saveFloat(v: number): void {
    this.reserve(9);
    this.buf[this.pos] = OP.BINFLOAT;
    this.view.setFloat64(this.pos + 1, v, false);
    this.pos += 9;
  }

  private saveStr(s: string, fresh: boolean): void {
    if (this.py2 && isAscii(s)) {
      this.saveStr2(encodePy2Str(s), undefined, fresh);
      return;
    }
    // Python 3 str, or in the python2 layout non-ASCII text as a Python 2 `unicode` (BINUNICODE,
    // memoized), so that it loads back exactly.
    // '' and one-char latin-1 strings are singletons in CPython.
    const key = s.length === 0 || (s.length === 1 && s.charCodeAt(0) < 0x100) ? `s${s}` : undefined;
    if (key !== undefined && this.fetched(key)) return;
    this.writeUnicode(s);
    this.put(key);
  }

  private saveSharedStr(s: SharedStr): void {
    if (this.fetched(s.key)) return;
    if (this.py2 && isAscii(s.text)) {
      this.saveStr2(encodePy2Str(s.text), undefined, true);
      return;
    }
    this.writeUnicode(s.text);
    this.put(s.key);
  }

  /** A Python 2 str: SHORT_BINSTRING / BINSTRING; cPickle memoizes it unless shorter than 2 or fresh. */
  private saveStr2(data: Uint8Array, identity: object | undefined, fresh: boolean): void {
    if (data.length > 0x7fffffff) refuse(`a Python 2 str holds at most 2 GiB, this one has ${data.length} bytes`);
    if (data.length < 256) this.payload(OP.SHORT_BINSTRING, 1, data);
    else this.payload(OP.BINSTRING, 4, data);
    if (data.length >= 2 && !fresh) this.put(identity);
  }

  /** BINUNICODE family: UTF-8 with surrogatepass, like CPython. */
  private writeUnicode(s: string): void {
    const n = utf8Length(s);
    const code = this.proto >= 4 && n <= 0xff ? OP.SHORT_BINUNICODE : this.proto >= 4 && n > 0xffffffff ? OP.BINUNICODE8 : OP.BINUNICODE;
    const lengthSize = code === OP.SHORT_BINUNICODE ? 1 : code === OP.BINUNICODE8 ? 8 : 4;
    if (n > 0xffffffff && code !== OP.BINUNICODE8) refuse(`a str of ${n} UTF-8 bytes needs protocol 4 or more`);
    if (n >= FRAME_SIZE_TARGET) {
      const data = new Uint8Array(n);
      encodeUtf8(s, data, 0);
      this.payload(code, lengthSize, data);
      return;
    }
    this.header(code, lengthSize, n);
    this.reserve(n);
    this.pos = encodeUtf8(s, this.buf, this.pos);
  }

  /** The latin-1 decoded str of protocol 2's bytes, written as UTF-8 without building a JS string. */
  private saveLatin1Str(data: Uint8Array): void {
    const key = data.length === 1 ? `s${String.fromCharCode(data[0]!)}` : undefined;
    if (key !== undefined && this.fetched(key)) return;
    const length = data.length;
    let n = length;
    for (let i = 0; i < length; i++) n += data[i]! >> 7;
    if (n > 0xffffffff) refuse(`bytes of ${length} bytes need protocol 3 or more`);
    const big = n >= FRAME_SIZE_TARGET;
    if (!big) {
      this.header(OP.BINUNICODE, 4, n);
      this.reserve(n);
    }
    const out = big ? new Uint8Array(n) : this.buf;
    let at = big ? 0 : this.pos;
    for (let i = 0; i < length; i++) {
      const b = data[i]!;
      if (b < 0x80) out[at++] = b;
      else {
        out[at++] = 0xc0 | (b >> 6);
        out[at++] = 0x80 | (b & 0x3f);
      }
    }
    if (big) this.payload(OP.BINUNICODE, 4, out);
    else this.pos = at;
    this.put(key);
  }

  /**
   * bytes. `identity`: the caller's Uint8Array when the same object may occur again.
   * Protocol 3+: SHORT_BINBYTES / BINBYTES / BINBYTES8. Protocol 2 from Python 3:
   * `_codecs.encode(<latin-1 str>, 'latin1')`, or `bytes()` when empty.
   */
  private saveBytes(identity: object | undefined, data: Uint8Array, fresh: boolean): void {
    if (this.py2) {
      this.saveStr2(data, identity, fresh);
      return;
    }
    // b'' and one-byte bytes are singletons in CPython.
    const key = data.length === 0 ? 'b' : data.length === 1 ? `b${String.fromCharCode(data[0]!)}` : identity;
    if (key !== identity && this.fetched(key)) return;
    if (this.proto >= 3) {
      if (data.length <= 0xff) this.payload(OP.SHORT_BINBYTES, 1, data);
      else if (data.length <= 0xffffffff) this.payload(OP.BINBYTES, 4, data);
      else if (this.proto >= 4) this.payload(OP.BINBYTES8, 8, data);
      else refuse(`bytes of more than 4 GiB need protocol 4 or more`);
      this.put(key);
    } else if (data.length === 0) {
      this.saveReduce(BYTES_CLASS, new FreshTuple([]), null, key);
    } else {
      this.saveReduce(CODECS_ENCODE, new FreshTuple([new Latin1Str(data), LATIN1]), null, key);
    }
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) refuse(`it is nested more than ${MAX_DEPTH} levels deep`);
  }

  private saveList(items: readonly unknown[], identity: object | undefined, fresh: boolean): void {
    this.enter();
    this.op(OP.EMPTY_LIST);
    const n = items.length;
    // cPickle: put() for an empty list (skipped when fresh), put2() otherwise.
    if (!this.py2 || n > 0 || !fresh) this.put(identity);
    this.openContainers++;
    let i = 0;
    try {
      if (this.py2) {
        // cPickle's batch_list: batches of 1000, a batch of one is APPEND.
        while (i < n) {
          const end = Math.min(i + BATCHSIZE, n);
          if (end - i === 1) {
            this.save(items[i], false);
            i++;
            this.op(OP.APPEND);
          } else {
            this.op(OP.MARK);
            for (; i < end; i++) this.save(items[i], false);
            this.op(OP.APPENDS);
          }
        }
      } else if (n === 1) {
        // _pickle's batch_list_exact: APPEND only for a list of one.
        this.save(items[0], false);
        this.op(OP.APPEND);
      } else if (n > 1) {
        do {
          this.op(OP.MARK);
          const end = Math.min(i + BATCHSIZE, n);
          for (; i < end; i++) this.save(items[i], false);
          this.op(OP.APPENDS);
        } while (i < n);
      }
    } catch (err) {
      if (err instanceof Refusal) err.segments.push(identity === undefined ? `.flat[${i}]` : `[${i}]`);
      throw err;
    }
    this.openContainers--;
    this.depth--;
  }

  private saveDict(map: Map<unknown, unknown>): void {
    this.enter();
    this.op(OP.EMPTY_DICT);
    const n = map.size;
    // A user dict: cPickle memoizes it whether empty or not (its refcount is above 1).
    this.put(map);
    this.openContainers++;
    let index = 0;
    let key: unknown;
    let inKey = false;
    const item = (k: unknown, v: unknown): void => {
      key = k;
      inKey = true;
      checkHashable(k);
      this.save(k, false);
      inKey = false;
      this.save(v, false);
      index++;
    };
    try {
      const entries = map.entries();
      if (this.py2) {
        // cPickle's batch_dict: batches of 1000, a batch of one is SETITEM.
        while (index < n) {
          const end = Math.min(index + BATCHSIZE, n);
          if (end - index === 1) {
            const [k, v] = entries.next().value!;
            item(k, v);
            this.op(OP.SETITEM);
          } else {
            this.op(OP.MARK);
            while (index < end) {
              const [k, v] = entries.next().value!;
              item(k, v);
            }
            this.op(OP.SETITEMS);
          }
        }
      } else if (n === 1) {
        const [k, v] = entries.next().value!;
        item(k, v);
        this.op(OP.SETITEM);
      } else if (n > 1) {
        // _pickle's batch_dict_exact loops while the last batch was full: a dict of 1000 (2000, ...)
        // items ends with an empty MARK SETITEMS, exactly as CPython writes it.
        let inBatch: number;
        do {
          this.op(OP.MARK);
          inBatch = 0;
          for (let r = entries.next(); !r.done; r = entries.next()) {
            item(r.value[0], r.value[1]);
            if (++inBatch === BATCHSIZE) break;
          }
          this.op(OP.SETITEMS);
        } while (inBatch === BATCHSIZE);
      }
    } catch (err) {
      if (err instanceof Refusal) err.segments.push(inKey ? `.keys()[${index}]` : `[${keyRepr(key)}]`);
      throw err;
    }
    this.openContainers--;
    this.depth--;
  }

  private saveTuple(items: readonly unknown[], identity: object | undefined, fresh: boolean): void {
    if (!Array.isArray(items)) refuse('a PyTuple whose items are not an array');
    const n = items.length;
    if (n === 0) {
      this.op(OP.EMPTY_TUPLE);
      return;
    }
    if (identity !== undefined) {
      if (this.tuplesInProgress.get(identity) === this.openContainers) {
        refuse('a tuple that contains itself with no list, dict or ndarray in between cannot exist in Python');
      }
      this.tuplesInProgress.set(identity, this.openContainers);
    }
    this.enter();
    const short = n <= 3;
    if (!short) this.op(OP.MARK);
    let i = 0;
    try {
      for (; i < n; i++) this.save(items[i], fresh);
    } catch (err) {
      if (err instanceof Refusal) err.segments.push(`[${i}]`);
      throw err;
    }
    this.depth--;
    if (identity !== undefined) this.tuplesInProgress.delete(identity);
    // The tuple was memoized while its items were written: it is recursive. Drop the items and
    // fetch it from the memo, as CPython does.
    const recursive = identity !== undefined ? this.memo.get(identity) : undefined;
    if (recursive !== undefined) {
      if (short) for (let k = 0; k < n; k++) this.op(OP.POP);
      else this.op(OP.POP_MARK);
      this.get(recursive);
      return;
    }
    this.op(short ? OP.TUPLE1 + n - 1 : OP.TUPLE);
    if (!this.py2 || !fresh) this.put(identity);
  }

  private saveGlobal(g: Global): void {
    if (this.fetched(g.key)) return;
    if (this.proto >= 4) {
      this.save(new SharedStr(g.module, `g${g.module}`), false);
      this.save(new SharedStr(g.name, `g${g.name}`), false);
      this.op(OP.STACK_GLOBAL);
    } else {
      const text = `${g.module}\n${g.name}\n`;
      this.reserve(1 + text.length);
      this.buf[this.pos++] = OP.GLOBAL;
      for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i);
    }
    this.put(g.key);
  }

  /**
   * `save_reduce`: callable, argument tuple, REDUCE, memoize the object, then its state and BUILD.
   * In Python 2 mode the argument and state tuples are fresh (cPickle does not memoize them).
   */
  private saveReduce(callable: Global, args: FreshTuple, state: FreshTuple | null, key: unknown): void {
    this.save(callable, false);
    this.save(args, true);
    this.op(OP.REDUCE);
    const earlier = key === undefined ? undefined : this.memo.get(key);
    if (earlier !== undefined) {
      // Written recursively inside its own arguments: drop this one and fetch that one.
      this.op(OP.POP);
      this.get(earlier);
      return;
    }
    this.put(key);
    if (state !== null) {
      this.save(state, true);
      this.op(OP.BUILD);
    }
  }

  private saveDType(d: DTypeValue): void {
    if (this.fetched(d.key)) return;
    const args = this.py2 ? new FreshTuple([d.descr, 0, 1]) : new FreshTuple([d.descr, false, true]);
    const state = new FreshTuple([3, d.order, null, null, null, d.elsize, d.alignment, d.flags]);
    this.saveReduce(this.dtypeClass, args, state, d.key);
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

  /** numpy's `ndarray.__reduce_ex__(protocol)`. */
  private saveNdArray(a: NdArray): void {
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

    this.enter();
    this.openContainers++;
    try {
      if (!this.py2 && this.proto >= 5 && !isObject && dtype.elsize !== 0) {
        // numpy 2's protocol 5 path for contiguous arrays: _frombuffer(bytearray, dtype, shape, order).
        const args = new FreshTuple([new FreshByteArray(data as Uint8Array), dtype, shapeTuple, fortran ? 'F' : 'C']);
        this.saveReduce(this.frombuffer, args, null, a);
      } else {
        const args = new FreshTuple([this.ndarrayClass, new FreshTuple([0]), new FreshBytes(TYPECODE_B)]);
        const payload = isObject ? new FreshList(data as readonly unknown[]) : new FreshBytes(data as Uint8Array);
        const state = new FreshTuple([1, shapeTuple, dtype, fortran, payload]);
        this.saveReduce(this.reconstruct, args, state, a);
      }
    } catch (err) {
      // An object array's element: the list adds `.flat[i]`; drop the state-tuple index before it.
      if (err instanceof Refusal && err.segments.length >= 2 && err.segments[err.segments.length - 1] === '[4]') err.segments.pop();
      throw err;
    }
    this.openContainers--;
    this.depth--;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Bytes of UTF-8 with surrogatepass (a lone surrogate takes 3 bytes, as in CPython). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 4 bytes for 2 code units
      i++;
    } else n += 2;
  }
  return n;
}

/** Encodes `s` as UTF-8 (surrogatepass) into `out` at `at`; returns the end position. */
function encodeUtf8(s: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
      out[at++] = 0xf0 | (c >> 18);
      out[at++] = 0x80 | ((c >> 12) & 0x3f);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}

/** A JS string as a Python 2 str: latin-1 when every char is below U+0100, else UTF-8. */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function encodePy2Str(s: string): Uint8Array {
  let latin1 = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      latin1 = false;
      break;
    }
  }
  if (!latin1) {
    const out = new Uint8Array(utf8Length(s));
    encodeUtf8(s, out, 0);
    return out;
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** Dict keys must be hashable in Python: no list, dict or ndarray, also not inside a tuple key. */
function checkHashable(k: unknown): void {
  if (Array.isArray(k)) refuse('a list cannot be a dict key in Python (unhashable); use a PyTuple');
  if (k instanceof Map) refuse('a dict cannot be a dict key in Python (unhashable)');
  if (k instanceof NdArray) refuse('an ndarray cannot be a dict key in Python (unhashable)');
  if (k instanceof PyTuple && Array.isArray(k.items)) for (const item of k.items) checkHashable(item);
}

/** `root['data'][3]`; a very deep path keeps its first and last 8 steps. */
function describePath(segments: string[]): string {
  if (segments.length <= 20) return `root${segments.join('')}`;
  const hidden = segments.length - 16;
  return `root${segments.slice(0, 8).join('')}...(${hidden} more levels)...${segments.slice(-8).join('')}`;
}

/** How a dict key appears in an error path. */
function keyRepr(k: unknown): string {
  if (typeof k === 'string') {
    const s = k.length > 40 ? `${k.slice(0, 40)}...` : k;
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  }
  if (typeof k === 'number' || typeof k === 'bigint') return String(k);
  if (k === null) return 'None';
  if (typeof k === 'boolean') return k ? 'True' : 'False';
  if (k instanceof Uint8Array) return `<bytes of ${k.length}>`;
  if (k instanceof PyTuple) return '<tuple>';
  return `<${typeof k}>`;
}

function describeForeign(v: object): string {
  if (v instanceof DType) return 'a numpy dtype on its own is not supported; it is written as part of an NdArray';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} is not writable: only Uint8Array is bytes (and NdArray for typed data)`;
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer is not writable: wrap it in a Uint8Array for bytes';
  if (v instanceof Set) return 'a Set is not writable: use an array (list) or a PyTuple';
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) return 'a plain object is not writable: use a Map for a dict';
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return `an instance of ${name || 'an unknown class'} has no Python equivalent`;
}
