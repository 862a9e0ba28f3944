/**
 * A shadow of pickleparser's stack machine: it sees every opcode before pickleparser runs it
 * (the reader hands each opcode byte over, see `ByteReader.byte`) and keeps, instead of the
 * values, one small tag per stack slot and per memo entry. That is enough to
 *
 * - bound the stack, the mark stack and the memo (a flood of DUP, BINGET or MARK opcodes is a
 *   PICKLE_CORRUPT, not a runtime abort with "invalid size" or a heap exhausted by a 200 MB
 *   stack of one value);
 * - refuse the opcodes that would let a pickle reach JS object internals: DICT with items
 *   (pickleparser assigns them as properties, so a `'__proto__'` key sets the dict's
 *   prototype), BUILD on anything but the result of a REDUCE (pickleparser's fallback is
 *   `Object.assign(target, state)`: on a bytes value, a view of the input, it writes into the
 *   caller's buffer; with a `'__proto__'` key it sets the prototype), SETITEM(S) on a non-dict,
 *   APPEND(S) on a non-list, and any pop below the current mark.
 *
 * The machine mirrors pickleparser 0.2.1's `Parser.read` opcode by opcode (stack effects as in
 * CPython's Lib/pickletools.py); it allocates one byte per stack slot and one byte per memo
 * index (a Map entry for an index beyond MAX_MEMO), so it costs less than the stack and memo it guards.
 */
import { ErrorCode, PickleError } from '../errors.js';
import { OP } from './opcodes.js';
import { chargeBytes } from './values.js';

/** The most values the stack (all frames together) may hold: CPython writes lists and dicts in batches of 1000. */
export const MAX_STACK = 1 << 20;
/** The most entries the memo may hold (CPython memoizes each container and string once: a CIFAR-100 batch needs ~100,000). */
export const MAX_MEMO = 1 << 22;
/** The most MARKs open at once: the nesting depth of tuples, lists and dicts under construction. */
export const MAX_MARKS = 1 << 20;

/**
 * What the values a pickle makes cost in memory (V8, measured), charged to the read's decode
 * budget (see `pickleAllocations`). Every push costs at least the slot of the list or tuple it
 * ends in (`REF_BYTES`: a small int, None, a bool, or a DUP/GET of a value already made); a
 * float, string or other plain value its object too (`VALUE_BYTES`); bytes are a typed-array view
 * of the input each (`VIEW_BYTES`: 30 million empty Python 2 strings took ~3.7 GB, ~123 B each);
 * an empty dict is a Map (~190 B), a list, set or tuple an array (~40 B), a memo entry a Map
 * entry. Without these, a 12 KB .tar.gz of one batch of empty strings took 816 MB before any
 * other limit stopped it, and 16M empty dicts from 32 KB aborted a 1 GiB heap. A CIFAR-10 batch
 * (10,000 labels and file names): ~1.8 MB; Datumaro's object arrays: 8 B a pixel.
 */
const REF_BYTES = 8;
const VALUE_BYTES = 32;
const VIEW_BYTES = 128;
const ARRAY_BYTES = 64;
const MAP_BYTES = 256;
const OBJECT_BYTES = 64;
const MEMO_BYTES = 48;
/** Charges go to the budget in steps of this many bytes (and the rest when the read ends). */
const CHARGE_STEP = 1 << 20;

/** What a stack slot holds, as far as the checks need to know. */
const enum Tag {
  /** A number, string, None, bool, or anything no check cares about. */
  Value = 0,
  /** bytes from the input (BINBYTES & co, Python 2 str): a view of the caller's buffer. */
  Bytes = 1,
  List = 2,
  Dict = 3,
  /** A set (an array in cifarkit's reading). */
  Set = 4,
  /** What REDUCE returned: an ndarray, a dtype, fresh bytes or a number from an allowlisted global. */
  Reduced = 5,
  /** A global or an object made by NEWOBJ/OBJ/INST (which the allowlist never lets succeed). */
  Object = 6,
}

const TAG_NAMES = ['a value', 'bytes', 'a list', 'a dict', 'a set', 'a call result', 'an object'];

/** Opcodes that push one plain value and pop nothing. */
const PUSH_VALUE = new Set<number>([
  OP.NONE, OP.NEWTRUE, OP.NEWFALSE, OP.INT, OP.LONG, OP.FLOAT, OP.BININT, OP.BININT1, OP.BININT2, OP.LONG1, OP.LONG4,
  OP.BINFLOAT, OP.UNICODE, OP.SHORT_BINUNICODE, OP.BINUNICODE, OP.BINUNICODE8, OP.EMPTY_TUPLE, OP.STRING,
]);
/** Opcodes that push bytes that are views of the input. */
const PUSH_BYTES = new Set<number>([OP.BINBYTES, OP.SHORT_BINBYTES, OP.BINBYTES8, OP.BYTEARRAY8, OP.BINSTRING, OP.SHORT_BINSTRING]);

/** Per opcode byte: 1 pushes a plain value, 2 pushes input bytes, 0 anything else (one load instead of two Set lookups per opcode). */
const PUSH_KIND = new Uint8Array(256);
for (const op of PUSH_VALUE) PUSH_KIND[op] = 1;
for (const op of PUSH_BYTES) PUSH_KIND[op] = 2;
/** What the value each of those opcodes pushes costs (see VALUE_BYTES). */
const PUSH_COST = new Uint8Array(256);
for (const op of PUSH_VALUE) PUSH_COST[op] = VALUE_BYTES;
for (const op of [OP.NONE, OP.NEWTRUE, OP.NEWFALSE, OP.BININT1, OP.BININT2]) PUSH_COST[op] = REF_BYTES;
for (const op of PUSH_BYTES) PUSH_COST[op] = VIEW_BYTES;

export class ShadowMachine {
  private tags = new Uint8Array(1024);
  /** Slots in use over all frames. */
  private top = 0;
  /** Where each open MARK's frame starts. */
  private readonly marks: number[] = [];
  /**
   * The memo's tags by index, plus one (0: no entry): CPython numbers memo entries 0, 1, 2, ...,
   * so a byte array indexed by them is dense (a Map here was a tenth of a CIFAR batch's parse).
   * Indices from MAX_MEMO up (only a crafted pickle has them) go to `farMemo`.
   */
  private memoTags = new Uint8Array(1024);
  private readonly farMemo = new Map<number, Tag>();
  private memoSize = 0;
  /** Bytes the values made so far cost (see VALUE_BYTES) and not charged yet. */
  private made = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly file: string | undefined,
  ) {}

  /** Charges what the values made so far cost to the read's budget (IMPORT_TOO_LARGE beyond it). */
  charge(): void {
    const n = this.made;
    this.made = 0;
    if (n > 0) chargeBytes(n);
  }

  private fail(detail: string, at: number): never {
    throw new PickleError(ErrorCode.PICKLE_CORRUPT, detail, { file: this.file, offset: at });
  }

  /** Pushes a value of `tag` that costs `cost` bytes (see VALUE_BYTES). */
  private push(tag: Tag, at: number, cost: number): void {
    this.made += cost;
    if (this.made >= CHARGE_STEP) this.charge();
    if (this.top >= this.tags.length) {
      if (this.top >= MAX_STACK) this.fail(`the pickle's stack grows beyond ${MAX_STACK} values (a flood of DUP, GET or value opcodes)`, at);
      const grown = new Uint8Array(Math.min(MAX_STACK, this.tags.length * 2));
      grown.set(this.tags);
      this.tags = grown;
    }
    this.tags[this.top++] = tag;
  }

  /** The slots of the current frame (above the last MARK). */
  private frame(): number {
    return this.top - (this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0);
  }

  private pop(n: number, op: number, at: number): void {
    if (this.frame() < n) this.fail(`opcode 0x${op.toString(16)} needs ${n} values but the stack holds ${this.frame()} above its mark`, at);
    this.top -= n;
  }

  private peek(op: number, at: number): Tag {
    if (this.frame() < 1) this.fail(`opcode 0x${op.toString(16)} needs a value but the stack is empty`, at);
    return this.tags[this.top - 1]! as Tag;
  }

  /** Pops the frame of the last MARK; returns its size. */
  private popMark(op: number, at: number): number {
    const start = this.marks.pop();
    if (start === undefined) this.fail(`opcode 0x${op.toString(16)} needs a MARK but none is open`, at);
    const size = this.top - start;
    this.top = start;
    return size;
  }

  /** A memo index read from the opcode's argument (the bytes after `at`, still unread by pickleparser). */
  private memoIndex(op: number, at: number): number {
    const b = this.buf;
    if (op === OP.BINPUT || op === OP.BINGET) return b[at + 1] ?? -1;
    if (op === OP.LONG_BINPUT || op === OP.LONG_BINGET) {
      if (at + 5 > b.length) return -1;
      return (b[at + 1]! | (b[at + 2]! << 8) | (b[at + 3]! << 16)) + b[at + 4]! * 2 ** 24;
    }
    // PUT / GET: a decimal line.
    const end = b.indexOf(0x0a, at + 1);
    if (end < 0) return -1;
    let text = '';
    for (let i = at + 1; i < end && i < at + 24; i++) text += String.fromCharCode(b[i]!);
    return parseInt(text, 10);
  }

  private put(index: number, at: number): void {
    const tag = this.peek(OP.PUT, at);
    const known = this.memoGet(index) !== undefined;
    if (!known && this.memoSize >= MAX_MEMO) this.fail(`the pickle's memo grows beyond ${MAX_MEMO} entries`, at);
    if (!known) {
      this.memoSize++;
      this.made += MEMO_BYTES;
    }
    if (index >= 0 && index < MAX_MEMO) {
      if (index >= this.memoTags.length) {
        let size = this.memoTags.length;
        while (size <= index) size *= 2;
        const grown = new Uint8Array(Math.min(size, MAX_MEMO));
        grown.set(this.memoTags);
        this.memoTags = grown;
      }
      this.memoTags[index] = tag + 1;
    } else {
      this.farMemo.set(index, tag);
    }
  }

  private memoGet(index: number): Tag | undefined {
    if (index >= 0 && index < MAX_MEMO) {
      const t = index < this.memoTags.length ? this.memoTags[index]! : 0;
      return t === 0 ? undefined : ((t - 1) as Tag);
    }
    return this.farMemo.get(index);
  }

  /** Applies opcode `op`, read at offset `at`, before pickleparser runs it; throws PICKLE_CORRUPT for what the module doc lists. */
  step(op: number, at: number): void {
    const pushes = PUSH_KIND[op]!;
    if (pushes === 1) return this.push(Tag.Value, at, PUSH_COST[op]!);
    if (pushes === 2) return this.push(Tag.Bytes, at, VIEW_BYTES);
    switch (op) {
      case OP.PROTO:
      case OP.FRAME:
      case OP.STOP:
      case OP.READONLY_BUFFER:
        return;
      case OP.MARK:
        if (this.marks.length >= MAX_MARKS) this.fail(`the pickle nests more than ${MAX_MARKS} MARKs`, at);
        this.marks.push(this.top);
        return;
      case OP.POP_MARK:
        this.popMark(op, at);
        return;
      case OP.POP:
        return this.pop(1, op, at);
      case OP.DUP:
        return this.push(this.peek(op, at), at, REF_BYTES);
      case OP.PUT:
      case OP.BINPUT:
      case OP.LONG_BINPUT:
        return this.put(this.memoIndex(op, at), at);
      case OP.MEMOIZE:
        return this.put(this.memoSize, at);
      case OP.GET:
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const tag = this.memoGet(this.memoIndex(op, at));
        if (tag === undefined) this.fail('the pickle refers to a memo entry that was never stored', at);
        return this.push(tag, at, REF_BYTES);
      }
      case OP.EMPTY_LIST:
        return this.push(Tag.List, at, ARRAY_BYTES);
      case OP.EMPTY_DICT:
        return this.push(Tag.Dict, at, MAP_BYTES);
      case OP.EMPTY_SET:
        return this.push(Tag.Set, at, ARRAY_BYTES);
      case OP.TUPLE:
        this.popMark(op, at);
        return this.push(Tag.Value, at, ARRAY_BYTES);
      case OP.TUPLE1:
        this.pop(1, op, at);
        return this.push(Tag.Value, at, ARRAY_BYTES);
      case OP.TUPLE2:
        this.pop(2, op, at);
        return this.push(Tag.Value, at, ARRAY_BYTES);
      case OP.TUPLE3:
        this.pop(3, op, at);
        return this.push(Tag.Value, at, ARRAY_BYTES);
      case OP.LIST:
        this.popMark(op, at);
        return this.push(Tag.List, at, ARRAY_BYTES);
      case OP.FROZENSET:
        this.popMark(op, at);
        return this.push(Tag.Set, at, ARRAY_BYTES);
      case OP.DICT:
        // pickleparser sets DICT's items as properties (`dict[key] = value`): a '__proto__' key
        // would set the prototype. CPython writes MARK DICT only empty, then SETITEM(S).
        if (this.popMark(op, at) > 0) this.fail('a dict is built with items by the DICT opcode, which cifarkit does not read (CPython writes SETITEMS)', at);
        return this.push(Tag.Dict, at, MAP_BYTES);
      case OP.APPEND:
        this.pop(1, op, at);
        return this.expect(op, at, Tag.List, Tag.Set);
      case OP.APPENDS:
      case OP.ADDITEMS:
        this.popMark(op, at);
        return this.expect(op, at, Tag.List, Tag.Set);
      case OP.SETITEM:
        this.pop(2, op, at);
        return this.expect(op, at, Tag.Dict);
      case OP.SETITEMS:
        if (this.popMark(op, at) % 2 !== 0) this.fail('SETITEMS is given an odd number of values (a key without its value)', at);
        return this.expect(op, at, Tag.Dict);
      case OP.GLOBAL:
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4:
      case OP.PERSID:
        return this.push(Tag.Object, at, OBJECT_BYTES);
      case OP.STACK_GLOBAL:
      case OP.BINPERSID:
        this.pop(op === OP.STACK_GLOBAL ? 2 : 1, op, at);
        return this.push(Tag.Object, at, OBJECT_BYTES);
      case OP.INST:
      case OP.OBJ:
        this.popMark(op, at);
        return this.push(Tag.Object, at, OBJECT_BYTES);
      case OP.NEWOBJ:
        this.pop(2, op, at);
        return this.push(Tag.Object, at, OBJECT_BYTES);
      case OP.NEWOBJ_EX:
        this.pop(3, op, at);
        return this.push(Tag.Object, at, OBJECT_BYTES);
      case OP.REDUCE:
        this.pop(2, op, at);
        return this.push(Tag.Reduced, at, OBJECT_BYTES);
      case OP.BUILD:
        this.pop(1, op, at);
        // numpy's pickles BUILD only what a REDUCE made (an ndarray or a dtype, which take
        // their state through __setstate__); on anything else pickleparser would Object.assign.
        return this.expect(op, at, Tag.Reduced);
      case OP.NEXT_BUFFER:
        return this.push(Tag.Value, at, ARRAY_BYTES);
      default:
        return; // pickleparser refuses unknown opcodes itself
    }
  }

  private expect(op: number, at: number, ...tags: Tag[]): void {
    const tag = this.peek(op, at);
    if (!tags.includes(tag)) {
      const name = Object.entries(OP).find(([, v]) => v === op)?.[0] ?? `0x${op.toString(16)}`;
      this.fail(`${name} on ${TAG_NAMES[tag]}, which only ${tags.map((t) => TAG_NAMES[t]).join(' or ')} takes`, at);
    }
  }
}
