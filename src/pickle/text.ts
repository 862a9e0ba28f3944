/**
 * How the pickle writer writes str and bytes: the opcodes CPython (and Python 2's cPickle) choose
 * for each length, and the encoders behind them (UTF-8 with surrogatepass as CPython encodes str,
 * latin-1 for Python 2 str, latin-1 text re-encoded as UTF-8 for protocol 2's bytes).
 *
 * Core code: web-standard APIs only.
 */
import { OP } from './opcodes.js';
import { FRAME_SIZE_TARGET, type PickleOutput } from './output.js';
import { refuse, type SharedStr } from './reduce.js';

/** What the str and bytes writers need of the pickler: its output, its memo and its layout. */
export interface TextPickler {
  readonly out: PickleOutput;
  readonly proto: 2 | 3 | 4 | 5;
  readonly py2: boolean;
  /** Emits a memo fetch when `key` is memoized. */
  fetched(key: unknown): boolean;
  /** Memoizes the stack top (`key`: how to find it again, undefined for never). */
  put(key: unknown): void;
}

/** A JS string (`fresh`: Python 2 only, created by a __reduce__ call, so cPickle does not memoize it). */
export function saveStr(p: TextPickler, s: string, fresh: boolean): void {
  if (p.py2 && isAscii(s)) {
    saveStr2(p, encodePy2Str(s), undefined, fresh);
    return;
  }
  // Python 3 str, or in the python2 layout non-ASCII text as a Python 2 `unicode` (BINUNICODE,
  // memoized), so that it loads back exactly.
  // '' and one-char latin-1 strings are singletons in CPython.
  const key = s.length === 0 || (s.length === 1 && s.charCodeAt(0) < 0x100) ? `s${s}` : undefined;
  if (key !== undefined && p.fetched(key)) return;
  writeUnicode(p, s);
  p.put(key);
}

export function saveSharedStr(p: TextPickler, s: SharedStr): void {
  if (p.fetched(s.key)) return;
  if (p.py2 && isAscii(s.text)) {
    saveStr2(p, encodePy2Str(s.text), undefined, true);
    return;
  }
  writeUnicode(p, s.text);
  p.put(s.key);
}

/** A Python 2 str: SHORT_BINSTRING / BINSTRING; cPickle memoizes it unless shorter than 2 or fresh. */
export function saveStr2(p: TextPickler, data: Uint8Array, identity: object | undefined, fresh: boolean): void {
  if (data.length > 0x7fffffff) refuse(`a Python 2 str holds at most 2 GiB, this one has ${data.length} bytes`);
  if (data.length < 256) p.out.payload(OP.SHORT_BINSTRING, 1, data);
  else p.out.payload(OP.BINSTRING, 4, data);
  if (data.length >= 2 && !fresh) p.put(identity);
}

/** Python 3 bytes (protocol 3+): SHORT_BINBYTES / BINBYTES / BINBYTES8, not memoized here. */
export function writeBytes(p: TextPickler, data: Uint8Array): void {
  if (data.length <= 0xff) p.out.payload(OP.SHORT_BINBYTES, 1, data);
  else if (data.length <= 0xffffffff) p.out.payload(OP.BINBYTES, 4, data);
  else if (p.proto >= 4) p.out.payload(OP.BINBYTES8, 8, data);
  else refuse(`bytes of more than 4 GiB need protocol 4 or more`);
}

/** BINUNICODE family: UTF-8 with surrogatepass, like CPython. */
function writeUnicode(p: TextPickler, s: string): void {
  const n = utf8Length(s);
  const code = p.proto >= 4 && n <= 0xff ? OP.SHORT_BINUNICODE : p.proto >= 4 && n > 0xffffffff ? OP.BINUNICODE8 : OP.BINUNICODE;
  const lengthSize = code === OP.SHORT_BINUNICODE ? 1 : code === OP.BINUNICODE8 ? 8 : 4;
  if (n > 0xffffffff && code !== OP.BINUNICODE8) refuse(`a str of ${n} UTF-8 bytes needs protocol 4 or more`);
  if (n >= FRAME_SIZE_TARGET) {
    const data = new Uint8Array(n);
    encodeUtf8(s, data, 0);
    p.out.payload(code, lengthSize, data);
    return;
  }
  p.out.header(code, lengthSize, n);
  p.out.fill(n, encodeUtf8, s);
}

/** The latin-1 decoded str of protocol 2's bytes, written as UTF-8 without building a JS string. */
export function saveLatin1Str(p: TextPickler, data: Uint8Array): void {
  const key = data.length === 1 ? `s${String.fromCharCode(data[0]!)}` : undefined;
  if (key !== undefined && p.fetched(key)) return;
  let n = data.length;
  for (let i = 0; i < data.length; i++) n += data[i]! >> 7;
  if (n > 0xffffffff) refuse(`bytes of ${data.length} bytes need protocol 3 or more`);
  if (n >= FRAME_SIZE_TARGET) {
    const out = new Uint8Array(n);
    encodeLatin1AsUtf8(data, out, 0);
    p.out.payload(OP.BINUNICODE, 4, out);
  } else {
    p.out.header(OP.BINUNICODE, 4, n);
    p.out.fill(n, encodeLatin1AsUtf8, data);
  }
  p.put(key);
}

// ---------------------------------------------------------------------------------------------
// Encoders

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

/** Encodes latin-1 bytes (each one a char below U+0100) as UTF-8 into `out` at `at`; returns the end. */
function encodeLatin1AsUtf8(data: Uint8Array, out: Uint8Array, at: number): number {
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b < 0x80) out[at++] = b;
    else {
      out[at++] = 0xc0 | (b >> 6);
      out[at++] = 0x80 | (b & 0x3f);
    }
  }
  return at;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A JS string as a Python 2 str: latin-1 when every char is below U+0100, else UTF-8. */
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
