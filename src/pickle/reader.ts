/**
 * A safe pickle reader: pickleparser's opcode machine, driven through its public hooks.
 *
 * Spec: https://docs.python.org/3/library/pickle.html and CPython's Lib/pickletools.py.
 *
 * - Globals are an allowlist (numpy's array/dtype reconstructors, `_codecs.encode`, `bytes`);
 *   any other global stops the read with PICKLE_FORBIDDEN_GLOBAL naming it. Nothing from the
 *   pickle is ever executed: the allowlisted names map to small JS functions written here.
 * - Bytes are exact in every runtime: a custom `IReader` returns Python 2 strings (BINSTRING,
 *   SHORT_BINSTRING) as `Uint8Array` views into the input (pickleparser itself decodes them with
 *   `TextDecoder('ascii')`, which is windows-1252 in browsers and Deno, and slow), and decodes
 *   protocol 0's escaped text lines (`S'...'`, `V...`), which pickleparser passes through raw.
 * - Lengths are checked against the bytes that remain before anything is allocated.
 * - Dicts are Maps, so a `'__proto__'` key is just a key; every opcode first passes a shadow
 *   stack machine (shadow.ts) that bounds the stack, the marks and the memo and refuses the
 *   opcodes that would reach JS object internals (DICT with items, BUILD on a non-numpy value).
 * - The value returned holds only plain data, each object of exactly its expected prototype.
 */
import { NameRegistry, Parser } from 'pickleparser';
import { CifarkitError, ErrorCode, PickleError } from '../errors.js';
import { DType, NdArray } from './ndarray.js';
import { OP } from './opcodes.js';
import { ShadowMachine } from './shadow.js';
import type { DecodeBudget } from '../limits.js';
import { chargeBytes, isBytes, latin1Decode, pickleAllocations, pyText, type PyValue } from './values.js';

/**
 * Options of {@link readPickle}.
 *
 * @example
 * ```ts
 * import { readPickle, writePickle, type ReadPickleOptions } from 'cifarkit/pickle';
 *
 * const options: ReadPickleOptions = { file: 'batches.meta' }; // named in every error
 * console.log(readPickle(writePickle(null), options)); // null
 * ```
 */
export interface ReadPickleOptions {
  /** Used in error messages: the file the bytes came from. */
  file?: string;
  /** The import's decode budget: the bytes the read builds beyond views of its input are reserved in it (IMPORT_TOO_LARGE beyond). */
  budget?: DecodeBudget;
}

/** The longest LONG4 integer read, in bytes (an int of 8192 bits). */
const MAX_LONG4_BYTES = 1024;

/** The reader interface pickleparser's `Parser.read` drives (structurally its `IReader`). */
class ByteReader {
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8');
  position = 0;
  /** Where the last two single bytes were read: a LONG1 is `byte()` (opcode), `byte()` (length), `bytes()`. */
  private lastByteAt = -1;
  private prevByteAt = -1;
  /** pickleparser asks `hasNext()` right before reading each opcode: the next `byte()` is one. */
  private opcodeNext = false;
  private readonly shadow: ShadowMachine;

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string | undefined,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.shadow = new ShadowMachine(buf, file);
  }

  /** The read has ended: the rest of what its values cost goes to the budget. */
  finish(): void {
    this.shadow.charge();
  }

  private need(n: number): number {
    const at = this.position;
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new PickleError(ErrorCode.PICKLE_CORRUPT, `invalid length ${n}`, { file: this.file, offset: at });
    }
    if (n > this.buf.length - at) {
      throw new PickleError(
        ErrorCode.PICKLE_TRUNCATED,
        `the pickle needs ${n} more bytes but only ${this.buf.length - at} remain (truncated file?)`,
        { file: this.file, offset: at },
      );
    }
    this.position = at + n;
    return at;
  }

  byte(): number {
    this.prevByteAt = this.lastByteAt;
    this.lastByteAt = this.position;
    const value = this.buf[this.need(1)]!;
    if (this.opcodeNext) {
      this.opcodeNext = false;
      this.shadow.step(value, this.position - 1);
    }
    return value;
  }
  bytes(length: number): Uint8Array {
    const start = this.position;
    if (this.lastByteAt === start - 1 && this.prevByteAt === start - 2 && this.buf[start - 2] === OP.LONG1) this.checkLong1(start, length);
    const at = this.need(length);
    return this.buf.subarray(at, at + length);
  }
  /**
   * pickleparser reads LONG1 as unsigned (a negative int would come back as a wrong positive
   * one) and warns on the console beyond 2^53: refuse both instead of a wrong value or noise.
   */
  private checkLong1(at: number, length: number): void {
    if (length === 0 || length > 8 || length > this.buf.length - at) return; // empty: 0; too long or truncated: refused by the parser
    const top = this.buf[at + length - 1]!;
    let magnitude = 0;
    for (let i = length - 1; i >= 0; i--) magnitude = magnitude * 256 + this.buf[at + i]!;
    if (top >= 0x80 || magnitude > Number.MAX_SAFE_INTEGER) {
      throw new PickleError(ErrorCode.PICKLE_CORRUPT, `a LONG1 integer of ${length} bytes is negative or beyond 2^53, which cifarkit does not read`, {
        file: this.file,
        offset: at - 2,
      });
    }
  }
  uint16(): number {
    return this.view.getUint16(this.need(2), true);
  }
  int32(): number {
    return this.view.getInt32(this.need(4), true);
  }
  uint32(): number {
    const at = this.need(4);
    const value = this.view.getUint32(at, true);
    // LONG4: pickleparser builds the int in time quadratic in its length (a 400 KB int takes
    // 30 s); CIFAR files hold no int beyond 64 bits, so a long LONG4 is refused up front.
    if (at > 0 && this.buf[at - 1] === OP.LONG4 && value > MAX_LONG4_BYTES) {
      throw new PickleError(ErrorCode.PICKLE_CORRUPT, `a LONG4 integer of ${value} bytes is longer than the ${MAX_LONG4_BYTES} bytes cifarkit reads`, {
        file: this.file,
        offset: at - 1,
      });
    }
    return value;
  }
  uint64(): number {
    const at = this.need(8);
    const lo = this.view.getUint32(at, true);
    const hi = this.view.getUint32(at + 4, true);
    if (hi > 0x1fffff) {
      throw new PickleError(ErrorCode.PICKLE_CORRUPT, 'a 64-bit length field exceeds 2^53', { file: this.file, offset: at });
    }
    return hi * 2 ** 32 + lo;
  }
  float64(): number {
    return this.view.getFloat64(this.need(8), false);
  }
  skip(offset: number): void {
    this.need(offset);
  }
  /** 'ascii' is pickleparser's request for a Python 2 str: we hand back the exact bytes. */
  string(size: number, encoding: 'ascii' | 'utf-8'): string {
    const data = this.bytes(size);
    return encoding === 'utf-8' ? this.utf8.decode(data) : (data as unknown as string);
  }
  line(): string {
    const start = this.position;
    const end = this.buf.indexOf(0x0a, start);
    if (end < 0) {
      throw new PickleError(ErrorCode.PICKLE_TRUNCATED, 'a text line has no end (truncated file?)', {
        file: this.file,
        offset: start,
      });
    }
    this.position = end + 1;
    const raw = this.buf.subarray(start, end);
    // A line follows its opcode byte directly, or another line's '\n': the byte before it says
    // which opcode is reading.
    const opcode = start > 0 ? this.buf[start - 1] : 0;
    if (opcode === OP.STRING) return decodeStringLine(raw);
    if (opcode === OP.UNICODE) return decodeRawUnicodeEscape(raw);
    return latin1Decode(raw);
  }
  hasNext(): boolean {
    this.opcodeNext = true;
    return this.position < this.buf.length;
  }
}

/**
 * Protocol 0 STRING: a Python repr, quotes included (`'ab\x00'`). Returns it with its quotes,
 * the escapes decoded to latin-1 characters (one per byte), which is what pickleparser expects.
 */
function decodeStringLine(raw: Uint8Array): string {
  const q = raw[0];
  if (raw.length < 2 || (q !== 0x27 && q !== 0x22) || raw[raw.length - 1] !== q) return latin1Decode(raw);
  const out = new Uint8Array(raw.length);
  let n = 0;
  const last = raw.length - 1;
  for (let i = 1; i < last; i++) {
    const c = raw[i]!;
    if (c !== 0x5c || i + 1 >= last) {
      out[n++] = c;
      continue;
    }
    const e = raw[++i]!;
    switch (e) {
      case 0x6e: out[n++] = 0x0a; break; // \n
      case 0x72: out[n++] = 0x0d; break; // \r
      case 0x74: out[n++] = 0x09; break; // \t
      case 0x61: out[n++] = 0x07; break; // \a
      case 0x62: out[n++] = 0x08; break; // \b
      case 0x66: out[n++] = 0x0c; break; // \f
      case 0x76: out[n++] = 0x0b; break; // \v
      case 0x5c: case 0x27: case 0x22: out[n++] = e; break;
      case 0x0a: break; // line continuation
      case 0x78: { // \xHH
        const hex = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0);
        if (i + 2 >= last || !/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('invalid \\x escape in a protocol 0 string');
        out[n++] = parseInt(hex, 16);
        i += 2;
        break;
      }
      default:
        if (e >= 0x30 && e <= 0x37) { // \ooo octal, up to three digits
          let v = e - 0x30;
          for (let k = 0; k < 2 && i + 1 < last && raw[i + 1]! >= 0x30 && raw[i + 1]! <= 0x37; k++) v = v * 8 + (raw[++i]! - 0x30);
          out[n++] = v & 0xff;
        } else {
          out[n++] = 0x5c;
          out[n++] = e;
        }
    }
  }
  const quote = String.fromCharCode(q);
  return quote + latin1Decode(out.subarray(0, n)) + quote;
}

/** Protocol 0 UNICODE: raw-unicode-escape (latin-1 bytes, `\uXXXX` and `\UXXXXXXXX` escapes). */
function decodeRawUnicodeEscape(raw: Uint8Array): string {
  const text = latin1Decode(raw);
  if (!text.includes('\\')) return text;
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) => {
    const cp = parseInt((u4 ?? u8)!, 16);
    if (cp > 0x10ffff) throw new Error(`\\U${u8} is beyond U+10FFFF in a protocol 0 unicode string`);
    return String.fromCodePoint(cp);
  });
}

/** Bytes of a Python str, as `_codecs.encode(s, 'latin1')` computes them. */
function encodeLatin1(s: string): Uint8Array {
  chargeBytes(s.length);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error(`_codecs.encode: character U+${c.toString(16)} is not latin-1`);
    out[i] = c;
  }
  return out;
}

function codecsEncode(text: PyValue, encoding: PyValue = 'utf-8'): Uint8Array {
  if (typeof text !== 'string') throw new Error('_codecs.encode expects a str');
  const enc = (typeof encoding === 'string' || isBytes(encoding) ? pyText(encoding) : '').toLowerCase().replace(/[-_]/g, '');
  if (enc === 'latin1' || enc === 'iso88591') return encodeLatin1(text);
  if (enc === 'utf8' || enc === 'ascii') {
    chargeBytes(3 * text.length);
    return new TextEncoder().encode(text);
  }
  throw new Error(`_codecs.encode: encoding '${String(encoding)}' is not supported`);
}

/** `bytes()` / `bytearray()` as protocol 2 writes them for empty values and bytearrays. */
function makeBytes(source?: PyValue, encoding?: PyValue): Uint8Array {
  if (source === undefined) return new Uint8Array(0);
  if (typeof source === 'string') return codecsEncode(source, encoding ?? 'utf-8');
  if (isBytes(source)) {
    chargeBytes(source.length);
    return source.slice();
  }
  if (Array.isArray(source) && source.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255)) {
    chargeBytes(source.length);
    return Uint8Array.from(source as number[]);
  }
  throw new Error('bytes() argument is not supported');
}

/** Marker for `numpy.ndarray`: only ever passed to `_reconstruct`, never called. */
function ndarrayClass(): never {
  throw new Error('numpy.ndarray may only be used through numpy.core.multiarray._reconstruct');
}

function reconstruct(subtype: PyValue | typeof ndarrayClass, _shape: PyValue, _typecode: PyValue): NdArray {
  if (subtype !== ndarrayClass) throw new Error('_reconstruct may only build numpy.ndarray');
  return new NdArray();
}

function makeDType(descr: PyValue, _align?: PyValue, _copy?: PyValue): DType {
  if (typeof descr !== 'string' && !isBytes(descr)) throw new Error('numpy.dtype expects a type string');
  return new DType(pyText(descr));
}

function frombuffer(buf: PyValue, dtype: PyValue, shape: PyValue, order: PyValue): NdArray {
  const fortran = (typeof order === 'string' || isBytes(order)) && pyText(order) === 'F';
  return new NdArray().init(shape, dtype, fortran, buf);
}

/** A numpy scalar (`numpy.int64(3)` pickles as `scalar(dtype, raw_bytes)`): its value. */
function scalar(dtype: PyValue, raw?: PyValue): number | boolean {
  if (!(dtype instanceof DType) || dtype.kind === 'O') throw new Error('numpy scalar of an unsupported dtype');
  const a = new NdArray().init([], dtype, false, raw ?? null);
  const view = new DataView(a.buffer!.buffer, a.buffer!.byteOffset, a.buffer!.byteLength);
  const le = dtype.byteorder !== '>';
  switch (`${dtype.kind}${dtype.itemsize}`) {
    case 'b1': return view.getUint8(0) !== 0;
    case 'u1': return view.getUint8(0);
    case 'i1': return view.getInt8(0);
    case 'u2': return view.getUint16(0, le);
    case 'i2': return view.getInt16(0, le);
    case 'u4': return view.getUint32(0, le);
    case 'i4': return view.getInt32(0, le);
    case 'u8': return Number(view.getBigUint64(0, le));
    case 'i8': return Number(view.getBigInt64(0, le));
    case 'f4': return view.getFloat32(0, le);
    case 'f8': return view.getFloat64(0, le);
    default: throw new Error(`numpy scalar of dtype ${dtype.name} is not supported`);
  }
}

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every Python global a CIFAR pickle may name, and the JS function that stands in for it. */
const ALLOWED_GLOBALS: ReadonlyArray<readonly [string, string, Fn]> = [
  ['numpy.core.multiarray', '_reconstruct', reconstruct],
  ['numpy._core.multiarray', '_reconstruct', reconstruct],
  ['numpy.core.multiarray', 'scalar', scalar],
  ['numpy._core.multiarray', 'scalar', scalar],
  ['numpy.core.numeric', '_frombuffer', frombuffer],
  ['numpy._core.numeric', '_frombuffer', frombuffer],
  ['numpy', 'ndarray', ndarrayClass],
  ['numpy', 'dtype', makeDType],
  ['_codecs', 'encode', codecsEncode],
  ['__builtin__', 'bytes', makeBytes],
  ['builtins', 'bytes', makeBytes],
  ['__builtin__', 'bytearray', makeBytes],
  ['builtins', 'bytearray', makeBytes],
];

/**
 * The names of the allowed globals, `module.name`: every other global a pickle names stops
 * {@link readPickle} with PICKLE_FORBIDDEN_GLOBAL.
 *
 * @example
 * ```ts
 * import { allowedGlobals } from 'cifarkit/pickle';
 *
 * console.log(allowedGlobals.includes('numpy.core.multiarray._reconstruct')); // true
 * console.log(allowedGlobals.includes('os.system')); // false
 * ```
 */
export const allowedGlobals: readonly string[] = ALLOWED_GLOBALS.map(([m, n]) => `${m}.${n}`);

class AllowlistRegistry extends NameRegistry {
  constructor() {
    super();
    for (const [module, name, fn] of ALLOWED_GLOBALS) this.register(module, name, fn);
  }
  override onMissingName(module: string, name: string): never {
    throw new PickleError(
      ErrorCode.PICKLE_FORBIDDEN_GLOBAL,
      `the pickle refers to the Python global '${pyText(module as string | Uint8Array)}.${pyText(name as string | Uint8Array)}', which is not on cifarkit's allowlist; nothing was executed`,
    );
  }
}

const registry = new AllowlistRegistry();
// BUILD on a value without `__setstate__` does `Object.assign(value, state)`: on an allowlisted
// function that would change it for every later read. Frozen, the assignment throws instead.
for (const [, , fn] of ALLOWED_GLOBALS) Object.freeze(fn);

/** EXT1/2/4 name globals through copyreg's extension registry: refused like any other global. */
const extensionResolver = {
  resolve(code: number): never {
    throw new PickleError(
      ErrorCode.PICKLE_FORBIDDEN_GLOBAL,
      `the pickle refers to extension code ${code} (copyreg's extension registry, a Python global), which cifarkit does not resolve; nothing was executed`,
    );
  },
};

/**
 * PERSID/BINPERSID ask the unpickler's persistent_load for an object; cifarkit has none, so (as
 * Python's UnpicklingError without persistent_load) the pickle is refused as corrupt.
 */
const persistentResolver = {
  resolve(pid: unknown): never {
    const shown = typeof pid === 'string' || isBytes(pid) ? pyText(pid as string | Uint8Array).slice(0, 80) : typeof pid;
    throw new PickleError(
      ErrorCode.PICKLE_CORRUPT,
      `the pickle refers to the persistent id '${shown}', which only the program that wrote it can resolve (no persistent_load); nothing was executed`,
    );
  },
};

/**
 * SETITEM(S) call `dict.set(key, value)` on whatever the stack holds: on a bytes value (a view
 * of the input) that is `Uint8Array.prototype.set`, which would write into the caller's buffer.
 * Only real dicts (Maps) take items.
 */
const dictionaryProvider = {
  create: (): Map<unknown, unknown> => new Map(),
  setMethod(dict: unknown, key: unknown, value: unknown): void {
    if (!(dict instanceof Map) || Object.getPrototypeOf(dict) !== Map.prototype) throw new Error('SETITEM on a value that is not a dict');
    dict.set(key, value);
  },
};
const ALLOWED_FUNCTIONS = new Set<unknown>(ALLOWED_GLOBALS.map(([, , fn]) => fn));

/**
 * Checks that the unpickled value holds only data (no bare globals, no foreign objects), so
 * callers can walk it without surprises. Iterative: safe on deep or self-referencing values.
 */
function checkPlainData(root: unknown): void {
  const seen = new Set<object>();
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function') {
        throw new Error(ALLOWED_FUNCTIONS.has(v) ? 'the pickle holds a numpy global that was never called' : 'the pickle holds a function');
      }
      if (v === undefined) throw new Error('the pickle refers to a memo entry that was never stored');
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) throw new Error('a list was given a foreign prototype');
      for (let i = 0; i < v.length; i++) {
        const e = v[i];
        if (e === null || (typeof e !== 'object' && typeof e !== 'function' && e !== undefined)) continue;
        // bytes (a Python 2 str: every file name of a batch) checked here, not queued and
        // remembered: a Set entry per file name was most of this walk.
        if (Object.getPrototypeOf(e) === Uint8Array.prototype) continue;
        todo.push(e);
      }
    } else if (v instanceof Map) {
      if (Object.getPrototypeOf(v) !== Map.prototype || Object.keys(v).length > 0) {
        throw new Error('a dict was built with the DICT opcode form that cifarkit does not accept');
      }
      for (const [k, val] of v) todo.push(k, val);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto === NdArray.prototype) {
        if ((v as NdArray).objects) todo.push((v as NdArray).objects);
      } else if (proto !== Uint8Array.prototype && proto !== DType.prototype) {
        throw new Error('the pickle holds an object of an unsupported type');
      }
    }
  }
}

/**
 * Reads one pickle (protocols 0-5) into plain JS values (see `values.ts`), refusing every global
 * outside the allowlist. Throws PickleError (PICKLE_TRUNCATED, PICKLE_CORRUPT,
 * PICKLE_FORBIDDEN_GLOBAL) or NdArrayError; never another exception type.
 *
 * @example
 * ```ts
 * import { readPickle, writePickle, type NdArray, type PyDict } from 'cifarkit/pickle';
 *
 * // In practice the bytes are a file such as cifar-10-batches-py/data_batch_1.
 * const bytes = writePickle(new Map([['labels', [6, 9]]]));
 * const batch = readPickle(bytes, { file: 'data_batch_1' }) as PyDict;
 * console.log(batch.get('labels')); // [6, 9]
 * ```
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions = {}): PyValue {
  const { file } = options;
  // A Node Buffer's subarrays are Buffers: the values are plain Uint8Array views instead.
  const plain = Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new ByteReader(plain, file);
  const parser = new Parser({
    nameResolver: registry,
    extensionResolver,
    persistentResolver,
    unpicklingTypeOfDictionary: 'Map',
    unpicklingTypeOfSet: 'array',
  });
  // pickleparser has no option for the dict operations: its provider is replaced (see above).
  (parser as unknown as { _dictionaryProvider: typeof dictionaryProvider })._dictionaryProvider = dictionaryProvider;
  let value: unknown;
  const { budget } = options;
  pickleAllocations.charge = budget ? (n) => budget.decode(n, 'a value the pickle builds', file) : null;
  try {
    value = parser.read(reader as never);
    reader.finish();
    if (value === undefined) throw new Error('the pickle holds no value');
    checkPlainData(value);
  } catch (err) {
    if (err instanceof CifarkitError) throw err.withLocation({ file, offset: reader.position });
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof RangeError && /call stack/i.test(reason)) {
      // pickleparser spreads APPENDS items and REDUCE arguments into one call: hundreds of
      // thousands of them exhaust the stack (Python's pickler batches APPENDS by 1000).
      throw new PickleError(
        ErrorCode.PICKLE_CORRUPT,
        'the pickle appends or passes more items in one opcode than cifarkit reads (the call stack ran out); Python writes lists in batches of 1000',
        { file, offset: reader.position, cause: err },
      );
    }
    if (/end of file/i.test(reason)) {
      throw new PickleError(ErrorCode.PICKLE_TRUNCATED, `the pickle ends before its STOP opcode (truncated file?)`, {
        file,
        offset: reader.position,
        cause: err,
      });
    }
    throw new PickleError(ErrorCode.PICKLE_CORRUPT, `not a valid pickle: ${reason}`, { file, offset: reader.position, cause: err });
  } finally {
    pickleAllocations.charge = null;
  }
  return value as PyValue;
}
