/**
 * The pickler: walks a JS value graph and writes it as CPython's `pickle` (the C `_pickle`
 * module) and numpy 2 write it, opcode for opcode, or in the `python2` layout as Python 2's
 * cPickle wrote the original CIFAR archives. The output buffer is output.ts, ints and floats
 * numbers.ts, str and bytes text.ts, numpy arrays and dtypes numpy.ts; this file owns the memo,
 * the containers and the order of everything.
 *
 * Spec: https://docs.python.org/3/library/pickle.html and CPython's Lib/pickletools.py; the
 * choices below follow CPython's Modules/_pickle.c (save, save_reduce, batch_list_exact,
 * batch_dict_exact), numpy's `ndarray.__reduce__`/`__reduce_ex__` and Python 2's cPickle.c.
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
 * Core code: web-standard APIs only.
 */
import { ErrorCode, UsageError } from '../errors.js';
import { DType, NdArray, PyTuple, type PyWritable } from './values.js';
import { OP } from './opcodes.js';
import { PickleOutput } from './output.js';
import { saveBigInt, saveFloat, saveInt } from './numbers.js';
import { DTypeValue, NumpyReducer } from './numpy.js';
import { FreshByteArray, FreshBytes, FreshList, FreshTuple, Global, Latin1Str, Refusal, SharedStr, describePath, keyRepr, refuse } from './reduce.js';
import { saveLatin1Str, saveSharedStr, saveStr, saveStr2, writeBytes, type TextPickler } from './text.js';

/** Validated writer options (see `WritePickleOptions` in writer.ts). */
export interface Settings {
  protocol: 2 | 3 | 4 | 5;
  python2: boolean;
  /** 'numpy.core' or 'numpy._core'. */
  numpy: string;
}

/** Items per APPENDS / SETITEMS. */
const BATCHSIZE = 1000;
/** Nesting deeper than this is refused (CPython's own pickler stops near 1000). */
const MAX_DEPTH = 2000;

const LATIN1 = new SharedStr('latin1', 'Llatin1');
const CODECS_ENCODE = new Global('_codecs', 'encode');
/** `builtins.bytes` as protocol 2 names it (fix_imports). */
const BYTES_CLASS = new Global('__builtin__', 'bytes');

/** Writes one value as one pickle (an instance per pickle: it holds the memo). */
export class Pickler implements TextPickler {
  readonly out = new PickleOutput();
  readonly proto: 2 | 3 | 4 | 5;
  readonly py2: boolean;
  private readonly memo = new Map<unknown, number>();
  private memoNext: number;
  private readonly numpy: NumpyReducer;

  private depth = 0;
  /** Open memoized containers (list, dict, ndarray): a tuple met again at the same count contains itself. */
  private openContainers = 0;
  private readonly tuplesInProgress = new Map<object, number>();

  constructor(settings: Settings) {
    this.proto = settings.protocol;
    this.py2 = settings.python2;
    this.memoNext = this.py2 ? 1 : 0; // cPickle's put2: len(memo) + 1
    this.numpy = new NumpyReducer(settings.numpy, this.py2, this.proto >= 5);
  }

  /** The pickle of `value` as chunks; throws UsageError INVALID_ARGUMENT naming where a refused value is. */
  dump(value: PyWritable): Uint8Array[] {
    this.out.begin(this.proto);
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
    return this.out.finish();
  }

  // -- memo ---------------------------------------------------------------------------------

  /** memo_put / cPickle put2: stores the stack top under the next index (`key`: how to find it again). */
  put(key: unknown): void {
    const idx = this.memoNext++;
    if (key !== undefined) this.memo.set(key, idx);
    if (this.proto >= 4) this.out.op(OP.MEMOIZE);
    else if (idx < 256) this.out.opU8(OP.BINPUT, idx);
    else this.out.opUint(OP.LONG_BINPUT, 4, idx);
  }

  private get(idx: number): void {
    if (idx < 256) this.out.opU8(OP.BINGET, idx);
    else this.out.opUint(OP.LONG_BINGET, 4, idx);
  }

  /** Emits a memo fetch when `key` is memoized. */
  fetched(key: unknown): boolean {
    const idx = this.memo.get(key);
    if (idx === undefined) return false;
    this.get(idx);
    return true;
  }

  // -- save ---------------------------------------------------------------------------------

  /** `save()`. `fresh` (Python 2 only): created by a __reduce__ call, so cPickle does not memoize it. */
  private save(v: unknown, fresh: boolean): void {
    this.out.boundary();
    switch (typeof v) {
      case 'number':
        if (Number.isSafeInteger(v)) saveInt(this.out, this.py2, v);
        else saveFloat(this.out, v);
        return;
      case 'string':
        saveStr(this, v, fresh);
        return;
      case 'boolean':
        this.out.op(v ? OP.NEWTRUE : OP.NEWFALSE);
        return;
      case 'bigint':
        saveBigInt(this.out, this.py2, v);
        return;
      case 'object':
        break;
      case 'undefined':
        return refuse('undefined has no Python equivalent (use null for None)');
      default:
        return refuse(`a ${typeof v} has no Python equivalent`);
    }
    if (v === null) {
      this.out.op(OP.NONE);
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
    else if (v instanceof SharedStr) saveSharedStr(this, v);
    else if (v instanceof DTypeValue) this.saveDType(v);
    else if (v instanceof Latin1Str) saveLatin1Str(this, v.data);
    else if (v instanceof FreshList) this.saveList(v.items, undefined, fresh);
    else if (v instanceof FreshByteArray) {
      this.out.payload(OP.BYTEARRAY8, 8, v.data);
      this.put(undefined);
    } else refuse(describeForeign(v));
  }

  /**
   * bytes. `identity`: the caller's Uint8Array when the same object may occur again.
   * Protocol 3+: SHORT_BINBYTES / BINBYTES / BINBYTES8. Protocol 2 from Python 3:
   * `_codecs.encode(<latin-1 str>, 'latin1')`, or `bytes()` when empty.
   */
  private saveBytes(identity: object | undefined, data: Uint8Array, fresh: boolean): void {
    if (this.py2) {
      saveStr2(this, data, identity, fresh);
      return;
    }
    // b'' and one-byte bytes are singletons in CPython.
    const key = data.length === 0 ? 'b' : data.length === 1 ? `b${String.fromCharCode(data[0]!)}` : identity;
    if (key !== identity && this.fetched(key)) return;
    if (this.proto >= 3) {
      writeBytes(this, data);
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
    this.out.op(OP.EMPTY_LIST);
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
            this.out.op(OP.APPEND);
          } else {
            this.out.op(OP.MARK);
            for (; i < end; i++) this.save(items[i], false);
            this.out.op(OP.APPENDS);
          }
        }
      } else if (n === 1) {
        // _pickle's batch_list_exact: APPEND only for a list of one.
        this.save(items[0], false);
        this.out.op(OP.APPEND);
      } else if (n > 1) {
        do {
          this.out.op(OP.MARK);
          const end = Math.min(i + BATCHSIZE, n);
          for (; i < end; i++) this.save(items[i], false);
          this.out.op(OP.APPENDS);
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
    this.out.op(OP.EMPTY_DICT);
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
            this.out.op(OP.SETITEM);
          } else {
            this.out.op(OP.MARK);
            while (index < end) {
              const [k, v] = entries.next().value!;
              item(k, v);
            }
            this.out.op(OP.SETITEMS);
          }
        }
      } else if (n === 1) {
        const [k, v] = entries.next().value!;
        item(k, v);
        this.out.op(OP.SETITEM);
      } else if (n > 1) {
        // _pickle's batch_dict_exact loops while the last batch was full: a dict of 1000 (2000, ...)
        // items ends with an empty MARK SETITEMS, exactly as CPython writes it.
        let inBatch: number;
        do {
          this.out.op(OP.MARK);
          inBatch = 0;
          for (let r = entries.next(); !r.done; r = entries.next()) {
            item(r.value[0], r.value[1]);
            if (++inBatch === BATCHSIZE) break;
          }
          this.out.op(OP.SETITEMS);
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
      this.out.op(OP.EMPTY_TUPLE);
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
    if (!short) this.out.op(OP.MARK);
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
      if (short) for (let k = 0; k < n; k++) this.out.op(OP.POP);
      else this.out.op(OP.POP_MARK);
      this.get(recursive);
      return;
    }
    this.out.op(short ? OP.TUPLE1 + n - 1 : OP.TUPLE);
    if (!this.py2 || !fresh) this.put(identity);
  }

  private saveGlobal(g: Global): void {
    if (this.fetched(g.key)) return;
    if (this.proto >= 4) {
      this.save(new SharedStr(g.module, `g${g.module}`), false);
      this.save(new SharedStr(g.name, `g${g.name}`), false);
      this.out.op(OP.STACK_GLOBAL);
    } else {
      this.out.opText(OP.GLOBAL, `${g.module}\n${g.name}\n`);
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
    this.out.op(OP.REDUCE);
    const earlier = key === undefined ? undefined : this.memo.get(key);
    if (earlier !== undefined) {
      // Written recursively inside its own arguments: drop this one and fetch that one.
      this.out.op(OP.POP);
      this.get(earlier);
      return;
    }
    this.put(key);
    if (state !== null) {
      this.save(state, true);
      this.out.op(OP.BUILD);
    }
  }

  private saveDType(d: DTypeValue): void {
    if (this.fetched(d.key)) return;
    const { callable, args, state } = this.numpy.dtype(d);
    this.saveReduce(callable, args, state, d.key);
  }

  private saveNdArray(a: NdArray): void {
    const { callable, args, state } = this.numpy.ndarray(a);
    this.enter();
    this.openContainers++;
    try {
      this.saveReduce(callable, args, state, a);
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

/** Dict keys must be hashable in Python: no list, dict or ndarray, also not inside a tuple key. */
function checkHashable(k: unknown): void {
  if (Array.isArray(k)) refuse('a list cannot be a dict key in Python (unhashable); use a PyTuple');
  if (k instanceof Map) refuse('a dict cannot be a dict key in Python (unhashable)');
  if (k instanceof NdArray) refuse('an ndarray cannot be a dict key in Python (unhashable)');
  if (k instanceof PyTuple && Array.isArray(k.items)) for (const item of k.items) checkHashable(item);
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
