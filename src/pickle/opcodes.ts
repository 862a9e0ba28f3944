/**
 * The pickle opcodes of protocols 0-5, by their names in CPython's `Lib/pickletools.py`.
 *
 * Spec: https://docs.python.org/3/library/pickle.html and
 * https://github.com/python/cpython/blob/main/Lib/pickletools.py (the opcode table, `opcodes`).
 * Shared by the reader and the writer so that no opcode is ever spelled as a bare number.
 * The character after each value is the opcode as pickletools prints it; (pN) is the protocol
 * that introduced it.
 */
export const OP = {
  // Integers
  /** 'I' (p0): decimal int (or bool as `I01`/`I00`) on a text line. */
  INT: 0x49,
  /** 'J' (p1): four-byte signed little-endian int. */
  BININT: 0x4a,
  /** 'K' (p1): one-byte unsigned int. */
  BININT1: 0x4b,
  /** 'M' (p1): two-byte unsigned little-endian int. */
  BININT2: 0x4d,
  /** 'L' (p0): decimal long on a text line, with a trailing 'L'. */
  LONG: 0x4c,
  /** 0x8a (p2): little-endian two's-complement int of a one-byte length. */
  LONG1: 0x8a,
  /** 0x8b (p2): little-endian two's-complement int of a four-byte length. */
  LONG4: 0x8b,

  // Strings and bytes
  /** 'S' (p0): Python 2 str as a quoted, escaped repr on a text line. */
  STRING: 0x53,
  /** 'T' (p1): Python 2 str, four-byte signed length. */
  BINSTRING: 0x54,
  /** 'U' (p1): Python 2 str, one-byte length. */
  SHORT_BINSTRING: 0x55,
  /** 'B' (p3): bytes, four-byte length. */
  BINBYTES: 0x42,
  /** 'C' (p3): bytes, one-byte length. */
  SHORT_BINBYTES: 0x43,
  /** 0x8e (p4): bytes, eight-byte length. */
  BINBYTES8: 0x8e,
  /** 0x96 (p5): bytearray, eight-byte length. */
  BYTEARRAY8: 0x96,
  /** 0x97 (p5): push the next out-of-band buffer. */
  NEXT_BUFFER: 0x97,
  /** 0x98 (p5): make the out-of-band buffer on the stack read-only. */
  READONLY_BUFFER: 0x98,

  // Constants
  /** 'N' (p0): None. */
  NONE: 0x4e,
  /** 0x88 (p2): True. */
  NEWTRUE: 0x88,
  /** 0x89 (p2): False. */
  NEWFALSE: 0x89,

  // Unicode strings
  /** 'V' (p0): str in raw-unicode-escape on a text line. */
  UNICODE: 0x56,
  /** 0x8c (p4): str as UTF-8, one-byte length. */
  SHORT_BINUNICODE: 0x8c,
  /** 'X' (p1): str as UTF-8, four-byte length. */
  BINUNICODE: 0x58,
  /** 0x8d (p4): str as UTF-8, eight-byte length. */
  BINUNICODE8: 0x8d,

  // Floats
  /** 'F' (p0): float as decimal text on a line. */
  FLOAT: 0x46,
  /** 'G' (p1): float as an eight-byte big-endian IEEE 754 double. */
  BINFLOAT: 0x47,

  // Lists
  /** ']' (p1): push an empty list. */
  EMPTY_LIST: 0x5d,
  /** 'a' (p0): append the stack top to the list below it. */
  APPEND: 0x61,
  /** 'e' (p1): extend the list below the mark by the items above it. */
  APPENDS: 0x65,
  /** 'l' (p0): build a list of the items above the mark. */
  LIST: 0x6c,

  // Tuples
  /** ')' (p1): push an empty tuple. */
  EMPTY_TUPLE: 0x29,
  /** 't' (p0): build a tuple of the items above the mark. */
  TUPLE: 0x74,
  /** 0x85 (p2): build a 1-tuple of the stack top. */
  TUPLE1: 0x85,
  /** 0x86 (p2): build a 2-tuple of the top two items. */
  TUPLE2: 0x86,
  /** 0x87 (p2): build a 3-tuple of the top three items. */
  TUPLE3: 0x87,

  // Dicts
  /** '}' (p1): push an empty dict. */
  EMPTY_DICT: 0x7d,
  /** 'd' (p0): build a dict of the key/value pairs above the mark. */
  DICT: 0x64,
  /** 's' (p0): set one key/value pair on the dict below them. */
  SETITEM: 0x73,
  /** 'u' (p1): set the key/value pairs above the mark on the dict below it. */
  SETITEMS: 0x75,

  // Sets
  /** 0x8f (p4): push an empty set. */
  EMPTY_SET: 0x8f,
  /** 0x90 (p4): add the items above the mark to the set below it. */
  ADDITEMS: 0x90,
  /** 0x91 (p4): build a frozenset of the items above the mark. */
  FROZENSET: 0x91,

  // Stack manipulation
  /** '0' (p0): discard the stack top (or the topmost mark). */
  POP: 0x30,
  /** '2' (p0): push the stack top again. */
  DUP: 0x32,
  /** '(' (p0): push a mark. */
  MARK: 0x28,
  /** '1' (p1): discard everything above and including the topmost mark. */
  POP_MARK: 0x31,

  // Memo
  /** 'g' (p0): push a memo entry; decimal index on a text line. */
  GET: 0x67,
  /** 'h' (p1): push a memo entry; one-byte index. */
  BINGET: 0x68,
  /** 'j' (p1): push a memo entry; four-byte index. */
  LONG_BINGET: 0x6a,
  /** 'p' (p0): store the stack top in the memo; decimal index on a text line. */
  PUT: 0x70,
  /** 'q' (p1): store the stack top in the memo; one-byte index. */
  BINPUT: 0x71,
  /** 'r' (p1): store the stack top in the memo; four-byte index. */
  LONG_BINPUT: 0x72,
  /** 0x94 (p4): store the stack top in the memo under the next free index. */
  MEMOIZE: 0x94,

  // Extension registry
  /** 0x82 (p2): push the global registered under a one-byte extension code. */
  EXT1: 0x82,
  /** 0x83 (p2): push the global registered under a two-byte extension code. */
  EXT2: 0x83,
  /** 0x84 (p2): push the global registered under a four-byte extension code. */
  EXT4: 0x84,

  // Objects
  /** 'c' (p0): push the global `module.name`, both on text lines. */
  GLOBAL: 0x63,
  /** 0x93 (p4): push the global named by the two str on the stack (module, qualname). */
  STACK_GLOBAL: 0x93,
  /** 'R' (p0): call the callable below the stack top with the stack top (a tuple) as arguments. */
  REDUCE: 0x52,
  /** 'b' (p0): pass the stack top as state to the object below it (`__setstate__`). */
  BUILD: 0x62,
  /** 'i' (p0): build an instance of the class named on two text lines from the items above the mark. */
  INST: 0x69,
  /** 'o' (p1): build an instance of the class above the mark from the items above it. */
  OBJ: 0x6f,
  /** 0x81 (p2): `cls.__new__(cls, *args)`. */
  NEWOBJ: 0x81,
  /** 0x92 (p4): `cls.__new__(cls, *args, **kwargs)`. */
  NEWOBJ_EX: 0x92,

  // Machine control
  /** 0x80 (p2): protocol version (one byte); the first opcode of a protocol 2+ pickle. */
  PROTO: 0x80,
  /** '.' (p0): end of the pickle; the stack top is the result. */
  STOP: 0x2e,
  /** 0x95 (p4): the next eight-byte-length bytes form one frame of opcodes. */
  FRAME: 0x95,

  // Persistent ids
  /** 'P' (p0): push the object of a persistent id given on a text line. */
  PERSID: 0x50,
  /** 'Q' (p1): push the object of the persistent id on the stack top. */
  BINPERSID: 0x51,
} as const;

/** The name of a pickle opcode, as pickletools spells it. */
export type OpName = keyof typeof OP;

/** A pickle opcode byte. */
export type Opcode = (typeof OP)[OpName];
