/**
 * The fuzzer's cases, shared by `npm run fuzz` (scripts/fuzz.mjs, workers over dist/) and the
 * short seeded slice in `npm test` (test/fuzz/fuzz.test.ts, over src/).
 *
 * A case is a pure function of (seed, index): `makeCase(corpus, seed, index)` picks a corpus
 * entry and a mutation with a PRNG seeded from both, so any case can be rebuilt alone from its
 * two numbers (the one-line repro). `runCase(api, c)` feeds it to the reader it targets and
 * classifies the outcome: `ok`, the code of a CifarkitError, or a finding (any other exception,
 * or a CifarkitError wrapping a RangeError: a stack overflow or an allocation failure).
 *
 * Corpus: the committed fixtures (CIFAR layouts, pickle-writer pickles, MNIST, archives,
 * test/fixtures/datumaro, test/fixtures/original) and small ImageNet / ImageNet-txt / MNIST datasets made with the API.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync, unzipSync, zipSync } from 'fflate';
import { concatBytes as concat } from './bytes.mjs';

// ---------------------------------------------------------------------------------------------
// PRNG

/** A 32-bit hash of the seed and the case index, so that cases are independent of each other. */
function mix(seed, index) {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0 || 1;
}

export class Rng {
  constructor(seed) {
    this.s = seed >>> 0 || 1;
  }
  /** mulberry32 */
  next() {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  chance(p) {
    return this.next() < p;
  }
  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Pickle opcodes: argument kinds, to walk a pickle and to write random opcodes

/** opcode -> argument: 'line' (one text line), 'line2', a byte count, or [n, 'len'] (an n-byte length, then that many bytes). */
const ARGS = {
  0x49: 'line', 0x4a: 4, 0x4b: 1, 0x4d: 2, 0x4c: 'line', 0x8a: [1, 'len'], 0x8b: [4, 'len'],
  0x53: 'line', 0x54: [4, 'len'], 0x55: [1, 'len'], 0x42: [4, 'len'], 0x43: [1, 'len'], 0x8e: [8, 'len'],
  0x96: [8, 'len'], 0x97: 0, 0x98: 0, 0x4e: 0, 0x88: 0, 0x89: 0, 0x56: 'line', 0x8c: [1, 'len'],
  0x58: [4, 'len'], 0x8d: [8, 'len'], 0x46: 'line', 0x47: 8, 0x5d: 0, 0x61: 0, 0x65: 0, 0x6c: 0,
  0x29: 0, 0x74: 0, 0x85: 0, 0x86: 0, 0x87: 0, 0x7d: 0, 0x64: 0, 0x73: 0, 0x75: 0, 0x8f: 0, 0x90: 0,
  0x91: 0, 0x30: 0, 0x32: 0, 0x28: 0, 0x31: 0, 0x67: 'line', 0x68: 1, 0x6a: 4, 0x70: 'line', 0x71: 1,
  0x72: 4, 0x94: 0, 0x82: 1, 0x83: 2, 0x84: 4, 0x63: 'line2', 0x93: 0, 0x52: 0, 0x62: 0, 0x69: 'line2',
  0x6f: 0, 0x81: 0, 0x92: 0, 0x80: 1, 0x2e: 0, 0x95: 8, 0x50: 'line', 0x51: 0,
};
export const OPCODES = Object.keys(ARGS).map(Number);
const LENGTH_OPS = OPCODES.filter((op) => Array.isArray(ARGS[op]));
const MEMO_GET = [0x68, 0x6a, 0x67];

/** The opcodes of a pickle as {op, at, argAt, end}; stops at STOP or at the first thing it cannot walk. */
export function scanPickle(buf) {
  const ops = [];
  let i = 0;
  while (i < buf.length && ops.length < 200_000) {
    const op = buf[i];
    const arg = ARGS[op];
    if (arg === undefined) break;
    let end = i + 1;
    if (arg === 'line' || arg === 'line2') {
      for (let k = 0; k < (arg === 'line' ? 1 : 2); k++) {
        const nl = buf.indexOf(0x0a, end);
        if (nl < 0) return ops;
        end = nl + 1;
      }
    } else if (Array.isArray(arg)) {
      const n = arg[0];
      if (end + n > buf.length) break;
      let len = 0;
      for (let k = n - 1; k >= 0; k--) len = len * 256 + buf[end + k];
      if (n === 4 && op !== 0x8b && op !== 0x54) len >>>= 0;
      end += n + len;
    } else {
      end += arg;
    }
    if (end > buf.length) break;
    ops.push({ op, at: i, argAt: i + 1, end });
    i = end;
    if (op === 0x2e) break;
  }
  return ops;
}

function le(value, n) {
  const out = new Uint8Array(n);
  let v = BigInt.asUintN(n * 8, BigInt(value));
  for (let i = 0; i < n; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const HUGE = [2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 31n, 2n ** 40n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, 2n ** 30n, -1n];

const ascii = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);


/** One random opcode with plausible (or hostile) arguments. */
function randomOpcode(rng, op = rng.pick(OPCODES)) {
  const arg = ARGS[op];
  const texts = ['0', '1', '-1', '99999999999999999999', 'L', "'abc'", '"x\\x00"', 'os\nsystem', 'numpy\nndarray', '__builtin__\neval', 'builtins\ngetattr', '1e308', 'nan', 'x', ''];
  if (arg === 'line') return concat([[op], ascii(rng.pick(texts).split('\n')[0] + (op === 0x4c && rng.chance(0.5) ? 'L' : '')), [0x0a]]);
  if (arg === 'line2') {
    const g = rng.pick(['os\nsystem', 'numpy\nndarray', 'numpy.core.multiarray\n_reconstruct', 'builtins\neval', 'subprocess\nPopen', '_codecs\nencode', 'numpy\ndtype', 'copy_reg\n_reconstructor']);
    return concat([[op], ascii(g + '\n')]);
  }
  if (Array.isArray(arg)) {
    const n = arg[0];
    const len = rng.chance(0.2) ? rng.pick(HUGE) : BigInt(rng.int(12));
    const body = len >= 0n && len < 64n ? rng.bytes(Number(len)) : rng.bytes(rng.int(8));
    return concat([[op], le(len, n), body]);
  }
  if (op === 0x80) return Uint8Array.of(op, rng.int(8));
  if (op === 0x95) return concat([[op], le(rng.chance(0.3) ? rng.pick(HUGE) : BigInt(rng.int(64)), 8)]);
  if (op === 0x47) return concat([[op], rng.bytes(8)]);
  return concat([[op], rng.bytes(arg)]);
}

/** Deeply nested or self-referencing pickles, and random opcode programs. */
function generatedPickle(rng) {
  const depth = rng.pick([100, 1000, 10_000, 100_000, 1_000_000]);
  const proto = Uint8Array.of(0x80, rng.range(2, 5));
  switch (rng.int(12)) {
    case 0: // ((((...l l l  : nested lists by MARK + LIST
      return concat([proto, new Uint8Array(depth).fill(0x28), new Uint8Array(depth).fill(0x6c), [0x2e]]);
    case 1: { // N, then (x, ) wrapped depth times with TUPLE1
      const body = new Uint8Array(depth).fill(0x85);
      return concat([proto, [0x4e], body, [0x2e]]);
    }
    case 2: { // ] ] a ] a ... : each list appended into a new one below it
      const parts = [proto];
      for (let i = 0; i < Math.min(depth, 200_000); i++) parts.push(Uint8Array.of(0x5d));
      for (let i = 1; i < Math.min(depth, 200_000); i++) parts.push(Uint8Array.of(0x61));
      parts.push(Uint8Array.of(0x2e));
      return concat(parts);
    }
    case 3: // nested dicts: } ( ... one key each
      return concat([proto, ...Array.from({ length: Math.min(depth, 50_000) }, () => Uint8Array.of(0x7d, 0x4b, 1)), ...Array.from({ length: Math.min(depth, 50_000) - 1 }, () => Uint8Array.of(0x73)), [0x2e]]);
    case 4: // a list that contains itself, a dict that contains itself
      return rng.chance(0.5)
        ? Uint8Array.of(0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e)
        : Uint8Array.of(0x80, 2, 0x7d, 0x71, 0, 0x4b, 1, 0x68, 0, 0x73, 0x2e);
    case 5: { // memo references out of range
      const idx = rng.pick([1, 255, 65535, 2 ** 31 - 1, 2 ** 32 - 1]);
      return rng.chance(0.5) ? concat([proto, [0x6a], le(idx, 4), [0x2e]]) : concat([proto, [0x68, idx & 0xff, 0x2e]]);
    }
    case 7: { // one APPENDS or REDUCE with very many items (Python batches APPENDS by 1000)
      const n = rng.pick([1000, 100_000, 300_000]);
      const items = new Uint8Array(n * 2);
      for (let i = 0; i < n; i++) items.set([0x4b, i & 0xff], i * 2);
      return rng.chance(0.5)
        ? concat([proto, [0x5d, 0x28], items, [0x65, 0x2e]])
        : concat([proto, ascii('c__builtin__\nbytearray\n'), [0x28], items, [0x74, 0x52, 0x2e]]);
    }
    case 6: { // a numpy array declaring a huge shape with a tiny payload
      const dim = rng.pick([2 ** 31 - 1, 2 ** 32, 2 ** 53 - 1, 1e15, 65536]);
      const dims = rng.range(1, 4);
      const shape = concat([[0x28], ...Array.from({ length: dims }, () => concat([[0x8a, 8], le(dim, 8)])), [0x74]]);
      return concat([
        ascii('\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R('),
        [0x4b, 1], shape, ascii('cnumpy\ndtype\nU\x02u1K\x00K\x01\x87R(K\x03U\x01|NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89C\x03abctb.'),
      ]);
    }
    case 8:
    case 9: { // the structural attacks alone (see structural())
      const { bytes } = structural(rng);
      return concat([proto, bytes, [0x2e]]);
    }
    default: { // a random program over every opcode
      const parts = rng.chance(0.7) ? [proto] : [];
      const n = rng.range(1, 60);
      for (let i = 0; i < n; i++) parts.push(randomOpcode(rng));
      if (rng.chance(0.8)) parts.push(Uint8Array.of(0x2e));
      return concat(parts);
    }
  }
}

/** SHORT_BINUNICODE of an ASCII string. */
function sbu(text) {
  return concat([[0x8c, text.length], ascii(text)]);
}

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty'];

/**
 * Opcode sequences that attack the reader's structure rather than its lengths: a dict key (DICT,
 * SETITEM(S), BUILD state) naming an Object.prototype member, one memo entry referenced N times,
 * a flood of DUP, and nesting N deep. Inserted at an opcode boundary of a real pickle, or alone.
 */
function structural(rng) {
  const n = rng.pick([1000, 100_000, 1_100_000]); // 1.1M: just beyond the stack bound (src/pickle/shadow.ts)
  switch (rng.int(6)) {
    case 0: { // MARK key value ... '__proto__' value DICT
      const key = rng.pick(PROTO_KEYS);
      const value = rng.chance(0.5) ? ascii('cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R') : Uint8Array.of(0x7d);
      return { bytes: concat([[0x28], sbu('shape'), [0x4b, 1], sbu(key), value, [0x64]]), how: `proto:DICT:${key}` };
    }
    case 1: { // {} key value SETITEM, or the same as a BUILD state
      const key = rng.pick(PROTO_KEYS);
      const build = rng.chance(0.5);
      return { bytes: concat([build ? [0x43, 1, 0x61] : [], [0x7d], sbu(key), [0x7d, 0x73], build ? [0x62] : []]), how: `proto:${build ? 'BUILD' : 'SETITEM'}:${key}` };
    }
    case 2: { // [x] * n: BINPUT 0, then n BINGETs appended in batches of 1000
      const parts = [[0x43, 4, 1, 2, 3, 4, 0x71, 0, 0x30, 0x5d]];
      for (let done = 0; done < n; done += 1000) {
        const k = Math.min(1000, n - done);
        const batch = new Uint8Array(2 + 2 * k);
        batch[0] = 0x28;
        for (let i = 0; i < k; i++) batch.set([0x68, 0], 1 + 2 * i);
        batch[1 + 2 * k] = 0x65;
        parts.push(batch);
      }
      return { bytes: concat(parts), how: `memo-amplify:${n}` };
    }
    case 3: // N DUP n
      return { bytes: concat([[0x4e], new Uint8Array(n).fill(0x32)]), how: `dup-flood:${n}` };
    case 4: // ((((... nesting: n MARKs, then n TUPLEs
      return { bytes: concat([new Uint8Array(n).fill(0x28), new Uint8Array(n).fill(0x74)]), how: `deep-mark:${n}` };
    default: // ] ] ] ... a a a: n lists, each appended into the one below
      return { bytes: concat([new Uint8Array(n).fill(0x5d), new Uint8Array(n - 1).fill(0x61)]), how: `deep-list:${n}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Mutators

function generic(rng, buf, corpusBytes) {
  const out = buf.slice();
  const n = out.length;
  switch (rng.int(8)) {
    case 0: { // bit flips
      const k = rng.range(1, 8);
      for (let i = 0; i < k && n > 0; i++) out[rng.int(n)] ^= 1 << rng.int(8);
      return { out, how: `flip${k}` };
    }
    case 1: { // interesting bytes
      const k = rng.range(1, 4);
      for (let i = 0; i < k && n > 0; i++) out[rng.int(n)] = rng.pick([0, 0xff, 0x7f, 0x80, 0x01, 0x2e, 0x0a, 0x28, rng.int(256)]);
      return { out, how: 'bytes' };
    }
    case 2: // truncation
      return { out: buf.subarray(0, rng.int(n + 1)).slice(), how: 'truncate' };
    case 3: { // splice from another corpus file
      const other = rng.pick(corpusBytes);
      const a = rng.int(n + 1);
      const b = a + rng.int(Math.min(n - a, 4096) + 1);
      const oa = rng.int(other.length + 1);
      const ob = oa + rng.int(Math.min(other.length - oa, 4096) + 1);
      return { out: concat([buf.subarray(0, a), other.subarray(oa, ob), buf.subarray(b)]), how: 'splice' };
    }
    case 4: { // duplicate a range
      const a = rng.int(n + 1);
      const b = a + rng.int(Math.min(n - a, 2048) + 1);
      return { out: concat([buf.subarray(0, b), buf.subarray(a, b), buf.subarray(b)]), how: 'dup' };
    }
    case 5: { // delete a range
      const a = rng.int(n + 1);
      const b = a + rng.int(Math.min(n - a, 256) + 1);
      return { out: concat([buf.subarray(0, a), buf.subarray(b)]), how: 'delete' };
    }
    case 6: { // insert random bytes
      const a = rng.int(n + 1);
      return { out: concat([buf.subarray(0, a), rng.bytes(rng.range(1, 16)), buf.subarray(a)]), how: 'insert' };
    }
    default: { // a 2/4/8-byte field set to a huge value
      const w = rng.pick([2, 4, 8]);
      if (n >= w) out.set(le(rng.pick(HUGE), w), rng.int(n - w + 1));
      return { out, how: `huge${w}` };
    }
  }
}

function pickleAware(rng, buf) {
  const ops = scanPickle(buf);
  if (ops.length < 2) return null;
  const pick = (pred) => {
    const list = ops.filter(pred);
    return list.length ? rng.pick(list) : null;
  };
  switch (rng.int(11)) {
    case 7: // structural (issue 14): prototype keys, memo amplification, DUP floods, deep nesting
    case 8:
    case 9:
    case 10: {
      const at = rng.pick(ops).at;
      const { bytes, how } = structural(rng);
      return { out: concat([buf.subarray(0, at), bytes, buf.subarray(at)]), how };
    }
    case 0: { // a declared length set huge (or off by one)
      const o = pick((o) => LENGTH_OPS.includes(o.op) || o.op === 0x95);
      if (!o) return null;
      const n = o.op === 0x95 ? 8 : ARGS[o.op][0];
      const out = buf.slice();
      const v = rng.chance(0.7) ? rng.pick(HUGE) : BigInt(buf.length - o.argAt + rng.range(-2, 2));
      out.set(le(v, n), o.argAt);
      return { out, how: `len:${o.op.toString(16)}=${v}` };
    }
    case 1: { // a memo reference out of range
      const o = pick((o) => MEMO_GET.includes(o.op) || o.op === 0x71 || o.op === 0x72);
      const at = o ? o.at : rng.pick(ops).end;
      const idx = rng.pick([0, 1, 2, 200, 255, 65535, 2 ** 31, 2 ** 32 - 1]);
      const get = rng.chance(0.5) ? Uint8Array.of(0x68, idx & 0xff) : concat([[0x6a], le(idx, 4)]);
      return { out: concat([buf.subarray(0, at), get, buf.subarray(o ? o.end : at)]), how: `memo:${idx}` };
    }
    case 2: { // a random opcode inserted at an opcode boundary
      const at = rng.pick(ops).at;
      const op = rng.pick(OPCODES);
      return { out: concat([buf.subarray(0, at), randomOpcode(rng, op), buf.subarray(at)]), how: `ins:${op.toString(16)}` };
    }
    case 3: { // an opcode replaced by another (same arguments kept)
      const o = rng.pick(ops);
      const out = buf.slice();
      out[o.at] = rng.pick(OPCODES);
      return { out, how: `op:${o.op.toString(16)}->${out[o.at].toString(16)}` };
    }
    case 4: { // an opcode deleted or repeated
      const o = rng.pick(ops);
      const del = rng.chance(0.5);
      return { out: concat([buf.subarray(0, del ? o.at : o.end), buf.subarray(del ? o.end : o.at)]), how: del ? 'opdel' : 'opdup' };
    }
    case 5: { // an integer argument set to an extreme (shapes, labels, counts)
      const o = pick((o) => [0x4a, 0x4b, 0x4d, 0x8a].includes(o.op));
      if (!o) return null;
      const out = buf.slice();
      if (o.op === 0x8a) {
        const n = buf[o.argAt];
        if (n > 0) out.set(le(rng.pick(HUGE), n).subarray(0, n), o.argAt + 1);
      } else {
        const n = ARGS[o.op];
        out.set(le(rng.pick([...HUGE, 0n, 1n, 3n, 32n, 1024n]), n), o.argAt);
      }
      return { out, how: `int:${o.op.toString(16)}` };
    }
    default: { // two opcodes swapped
      const a = rng.pick(ops);
      const b = rng.pick(ops);
      if (a === b) return null;
      const [x, y] = a.at < b.at ? [a, b] : [b, a];
      return {
        out: concat([buf.subarray(0, x.at), buf.subarray(y.at, y.end), buf.subarray(x.end, y.at), buf.subarray(x.at, x.end), buf.subarray(y.end)]),
        how: 'swap',
      };
    }
  }
}

function octal(v, width) {
  return ascii(v.toString(8).padStart(width - 1, '0').slice(-(width - 1)) + '\0');
}

function fixTarChecksum(out, h) {
  for (let i = 148; i < 156; i++) out[h + i] = 0x20;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[h + i];
  out.set(ascii(sum.toString(8).padStart(6, '0') + '\0 '), h + 148);
}

/** Tar headers changed with a valid checksum, so the reader gets past the checksum. */
function tarAware(rng, buf) {
  const headers = [];
  for (let h = 0; h + 512 <= buf.length; h += 512) {
    if (buf[h + 257] === 0x75 && buf[h + 258] === 0x73) headers.push(h); // 'us'tar
  }
  if (headers.length === 0) return null;
  const h = rng.pick(headers);
  const out = buf.slice();
  let how;
  switch (rng.int(5)) {
    case 0: { // size
      if (rng.chance(0.5)) out.set(octal(rng.pick([0o77777777777, 2 ** 33 - 1, 1, 0, 513, 0o7777777]), 12), h + 124);
      else out.set(concat([[0x80], le(rng.pick(HUGE), 11).reverse()]), h + 124);
      how = 'tar:size';
      break;
    }
    case 1: { // type flag
      out[h + 156] = ascii(rng.pick(['0', '1', '2', '3', '4', '5', '6', '7', 'L', 'K', 'x', 'g', 'S', 'V', '\0', 'Z']))[0];
      how = `tar:type${String.fromCharCode(out[h + 156])}`;
      break;
    }
    case 2: { // name / link name / prefix
      const name = rng.pick(['../../evil', '/etc/passwd', 'C:\\x', 'a/../../b', 'cifar-10-batches-py/../../../x', 'a\0b', '.', '', 'cifar-10-batches-py/data_batch_1/x', '\\\\server\\share']);
      const field = rng.pick([[0, 100], [157, 100], [345, 155]]);
      out.fill(0, h + field[0], h + field[0] + field[1]);
      out.set(ascii(name).subarray(0, field[1]), h + field[0]);
      how = `tar:name@${field[0]}`;
      break;
    }
    case 3: { // mode/uid/mtime garbage
      out.set(rng.bytes(8), h + rng.pick([100, 108, 116, 136]));
      how = 'tar:meta';
      break;
    }
    default: { // a pax header with hostile records
      const rec = rng.pick(['path=../../x', 'size=99999999999999', 'path=/abs', 'size=-1', 'linkpath=../..', 'path=' + 'a/'.repeat(2000), 'bogus']);
      const line = `${rec.length + 3 + String(rec.length + 3).length} ${rec}\n`;
      out.set(octal(line.length, 12), h + 124);
      out[h + 156] = 0x78;
      fixTarChecksum(out, h);
      const body = new Uint8Array(Math.ceil(line.length / 512) * 512);
      body.set(ascii(line));
      const copy = buf.subarray(h, h + 512);
      return { out: concat([out.subarray(0, h + 512), body, copy, buf.subarray(h + 512)]), how: 'tar:pax' };
    }
  }
  fixTarChecksum(out, h);
  return { out, how };
}

/** Zip header fields (sizes, offsets, name lengths, method) set to hostile values. */
function zipAware(rng, buf) {
  const sigs = [];
  for (let i = 0; i + 4 <= buf.length; i++) {
    if (buf[i] === 0x50 && buf[i + 1] === 0x4b && (buf[i + 2] === 1 || buf[i + 2] === 3 || buf[i + 2] === 5)) sigs.push(i);
  }
  if (sigs.length === 0) return null;
  const at = rng.pick(sigs);
  const kind = buf[at + 2];
  const fields = kind === 3 ? [[8, 2], [18, 4], [22, 4], [26, 2], [28, 2]] : kind === 1 ? [[10, 2], [20, 4], [24, 4], [28, 2], [30, 2], [42, 4]] : [[8, 2], [10, 2], [12, 4], [16, 4], [20, 2]];
  const [off, w] = rng.pick(fields);
  const out = buf.slice();
  if (at + off + w <= out.length) out.set(le(rng.pick([...HUGE, 0n, 1n, 99n, 8n, 12n]), w), at + off);
  return { out, how: `zip:${kind}@${off}` };
}

/** PNG IHDR width/height set large, with the chunk's CRC fixed so the decoder believes it. */
function pngAware(rng, buf) {
  if (buf.length < 33 || buf[1] !== 0x50 || buf[2] !== 0x4e || buf[3] !== 0x47) return null;
  const out = buf.slice();
  const dv = new DataView(out.buffer);
  const which = rng.int(3);
  if (which !== 1) dv.setUint32(16, rng.pick([0x7fffffff, 0xffffffff, 65536, 100000, 0, 1]));
  if (which !== 0) dv.setUint32(20, rng.pick([0x7fffffff, 0xffffffff, 65536, 100000, 0, 1]));
  if (rng.chance(0.3)) out[24] = rng.pick([1, 2, 4, 8, 16, 3]);
  if (rng.chance(0.3)) out[25] = rng.pick([0, 2, 3, 4, 6, 7]);
  dv.setUint32(29, crc32(out.subarray(12, 29)));
  return { out, how: 'png:ihdr' };
}

/** JPEG SOF dimensions set large. */
function jpegAware(rng, buf) {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  for (let i = 2; i + 9 < buf.length; i++) {
    if (buf[i] === 0xff && buf[i + 1] >= 0xc0 && buf[i + 1] <= 0xc2) {
      const out = buf.slice();
      const dv = new DataView(out.buffer);
      if (rng.chance(0.7)) dv.setUint16(i + 5, rng.pick([0xffff, 0x8000, 0, 1]));
      if (rng.chance(0.7)) dv.setUint16(i + 7, rng.pick([0xffff, 0x8000, 0, 1]));
      if (rng.chance(0.3)) out[i + 9] = rng.pick([0, 1, 2, 4, 255]);
      return { out, how: 'jpeg:sof' };
    }
  }
  return null;
}

/** idx header: magic, dimension count and sizes. */
function idxAware(rng, buf) {
  if (buf.length < 8 || buf[0] !== 0 || buf[1] !== 0) return null;
  const out = buf.slice();
  const dv = new DataView(out.buffer);
  const dims = out[3];
  switch (rng.int(3)) {
    case 0: out[2] = rng.pick([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0]); break;
    case 1: out[3] = rng.pick([0, 1, 2, 3, 4, 255]); break;
    default: if (4 + 4 * dims <= out.length && dims > 0) dv.setUint32(4 + 4 * rng.int(dims), rng.pick([0xffffffff, 0x7fffffff, 65536, 0, 1, 28, 29]));
  }
  return { out, how: 'idx' };
}

let crcTable;
function crc32(data) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of data) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Mutates one file: structure-aware mutators by content, else generic ones; sometimes inside its compression. */
function mutateFile(rng, path, buf, corpusBytes, depth = 0) {
  const isGz = buf[0] === 0x1f && buf[1] === 0x8b;
  const isZip = buf[0] === 0x50 && buf[1] === 0x4b;
  if (depth === 0 && isGz && rng.chance(0.6)) {
    // Mutate the inflated bytes and compress again, so the mutation reaches the reader behind gzip.
    let inner;
    try {
      inner = gunzipSync(buf);
    } catch {
      inner = null;
    }
    if (inner) {
      const m = mutateFile(rng, path, inner, corpusBytes, 1);
      return { out: gzipSync(m.out, { level: 1 }), how: `gz(${m.how})` };
    }
  }
  if (depth === 0 && isZip && rng.chance(0.5)) {
    let files;
    try {
      files = unzipSync(buf);
    } catch {
      files = null;
    }
    const names = files ? Object.keys(files).filter((n) => files[n].length > 0) : [];
    if (names.length > 0) {
      const name = rng.pick(names);
      const m = mutateFile(rng, name, files[name], corpusBytes, 1);
      files[name] = m.out;
      if (rng.chance(0.2)) files[rng.pick(['../evil', '/abs/x', 'C:/x', 'cifar-10-batches-py/../../y'])] = Uint8Array.of(1, 2, 3);
      return { out: zipSync(files, { level: 1 }), how: `zip(${name}:${m.how})` };
    }
  }
  const aware = [];
  if (ARGS[buf[0]] !== undefined) aware.push(pickleAware);
  if (buf.length > 512 && buf[257] === 0x75) aware.push(tarAware);
  if (isZip) aware.push(zipAware);
  if (buf[1] === 0x50 && buf[2] === 0x4e) aware.push(pngAware);
  if (buf[0] === 0xff && buf[1] === 0xd8) aware.push(jpegAware);
  if (buf[0] === 0 && buf[1] === 0 && /idx/.test(path)) aware.push(idxAware);
  if (aware.length > 0 && rng.chance(0.6)) {
    const m = rng.pick(aware)(rng, buf);
    if (m) return m;
  }
  const rounds = rng.chance(0.8) ? 1 : rng.range(2, 4);
  let out = buf;
  const hows = [];
  for (let i = 0; i < rounds; i++) {
    const m = generic(rng, out, corpusBytes);
    out = m.out;
    hows.push(m.how);
  }
  return { out, how: hows.join('+') };
}

// ---------------------------------------------------------------------------------------------
// Corpus

function readTree(dir) {
  const files = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = new Uint8Array(readFileSync(p));
    }
  };
  walk(dir);
  return files;
}

const isPickle = (b) => b.length > 1 && (b[0] === 0x80 || b[0] === 0x28 || b[0] === 0x7d || b[0] === 0x5d);

/**
 * The corpus: entries `{ target, name, files, mutable }`, where `files` is a Record of path ->
 * bytes (the dataset) and `mutable` the paths a case may mutate. `repo` is the repository root.
 */
export async function loadCorpus(api, repo) {
  const fx = join(repo, 'test/fixtures');
  const entries = [];
  const add = (target, name, files, mutable = Object.keys(files)) => {
    if (mutable.length > 0) entries.push({ target, name, files, mutable });
  };
  // Pickles alone.
  const pickleFiles = [];
  for (const dir of [join(fx, 'pickle-writer'), join(fx, 'generated/bad')]) {
    for (const [p, b] of Object.entries(readTree(dir))) if (isPickle(b)) pickleFiles.push([`${relative(fx, dir)}/${p}`, b]);
  }
  // CIFAR datasets: every generated layout, and the shared Datumaro / original files.
  const generated = join(fx, 'generated');
  const datasetDirs = readdirSync(generated)
    .filter((n) => n !== 'bad' && statSync(join(generated, n)).isDirectory())
    .map((n) => [`generated/${n}`, join(generated, n)]);
  for (const n of ['datumaro/cifar10_dataset', 'datumaro/cifar100_dataset', 'original']) datasetDirs.push([n, join(fx, n)]);
  for (const [name, dir] of datasetDirs) {
    const files = readTree(dir);
    const pickles = Object.keys(files).filter((p) => isPickle(files[p]));
    for (const p of pickles) pickleFiles.push([`${name}/${p}`, files[p]]);
    add('cifar', name, files, Object.keys(files));
  }
  for (const [name, b] of pickleFiles) add('pickle', name, { [name.split('/').pop()]: b });
  // Archives.
  for (const [p, b] of Object.entries(readTree(join(fx, 'archives')))) {
    if (/\.(tar|gz|zip)$/.test(p)) add('archive', `archives/${p}`, { [p]: b });
  }
  // MNIST: committed and made here (plain and .gz).
  for (const n of ['datumaro', 'datumaro-sizes']) add('mnist', `mnist/${n}`, readTree(join(fx, 'mnist', n)));
  // ImageNet, ImageNet-txt, MNIST written by the exporters from a small dataset.
  const { Dataset, DatasetItem, Image, Label } = api;
  const rng = new Rng(7);
  const items = [];
  const sizes = [[8, 8, 3], [5, 7, 3], [6, 6, 1]];
  for (let i = 0; i < 6; i++) {
    const [h, w, c] = sizes[i % 3];
    items.push(new DatasetItem({
      id: i === 5 ? `dir/ü ${i}` : `img_${i}`,
      subset: i < 4 ? 'train' : 'test',
      media: new Image(rng.bytes(h * w * c), h, w, c, { ext: i % 2 ? '.jpg' : '.png' }),
      annotations: [new Label(i % 3)],
    }));
  }
  const ds = Dataset.fromIterable(items, { labels: ['cat', 'dog', 'bird'] });
  const gray = Dataset.fromIterable(items.map((it, i) => new DatasetItem({ id: it.id.replace(/\W/g, '_'), subset: it.subset, media: new Image(rng.bytes(28 * 28), 28, 28, 1), annotations: [new Label(i % 3)] })), { labels: ['cat', 'dog', 'bird'] });
  const files = async (d, f, o) => Object.fromEntries(await d.exportToFiles(f, o));
  add('imagenet', 'made/imagenet', await files(ds, 'imagenet', {}));
  add('imagenet_with_subset_dirs', 'made/imagenet_with_subset_dirs', await files(ds, 'imagenet_with_subset_dirs', {}));
  add('imagenet_txt', 'made/imagenet_txt', await files(ds, 'imagenet_txt', {}));
  add('mnist', 'made/mnist-gz', await files(gray, 'mnist', {}));
  add('mnist', 'made/mnist-plain', await files(gray, 'mnist', { compress: false }));
  add('cifar', 'made/cifar-sizes', await files(ds, 'cifar', {}));
  add('cifar', 'made/cifar-p2-python2', await files(ds, 'cifar', { python2: true }));
  const corpusBytes = entries.flatMap((e) => e.mutable.map((p) => e.files[p]));
  return { entries, corpusBytes };
}

/** How often each target is fuzzed. */
const WEIGHTS = { pickle: 34, generated: 6, cifar: 24, archive: 14, mnist: 7, imagenet: 4, imagenet_with_subset_dirs: 2, imagenet_txt: 5, detect: 4 };

/** Case `index` of the run with this seed: `{ target, entry, path, how, files }`. */
export function makeCase(corpus, seed, index) {
  const rng = new Rng(mix(seed, index));
  let r = rng.int(Object.values(WEIGHTS).reduce((a, b) => a + b, 0));
  let target = 'pickle';
  for (const [t, w] of Object.entries(WEIGHTS)) {
    if (r < w) {
      target = t;
      break;
    }
    r -= w;
  }
  if (target === 'generated') {
    const bytes = generatedPickle(rng);
    return { index, target: 'pickle', entry: 'generated', path: 'gen.pkl', how: 'generated', files: { 'gen.pkl': bytes } };
  }
  const pool = target === 'detect' ? corpus.entries.filter((e) => e.target !== 'pickle') : corpus.entries.filter((e) => e.target === target);
  const entry = rng.pick(pool);
  const path = rng.pick(entry.mutable);
  const m = mutateFile(rng, path, entry.files[path], corpus.corpusBytes);
  const files = { ...entry.files, [path]: m.out };
  if (rng.chance(0.05) && entry.target !== 'pickle' && entry.target !== 'archive') {
    // Hostile names next to the dataset.
    files[rng.pick(['../x', 'a/../../b', '/abs', 'train/../../../etc', 'x\0y', 'train\\..\\..\\z'])] = m.out.subarray(0, 64);
  }
  return { index, target: target === 'detect' ? 'detect' : entry.target, entry: entry.name, path, how: m.how, files };
}

/** Walks an imported dataset so that lazy work, if any, happens inside the case. */
function digest(ds) {
  let n = 0;
  for (const item of ds) {
    n += item.id.length + item.annotations.length;
    if (item.media) n += item.media.data.length + (item.media.data[0] ?? 0);
  }
  return n;
}

const INTERNAL = /Maximum call stack|Invalid array length|Array buffer allocation failed|Invalid typed array length|out of memory/i;

/**
 * Runs a case and classifies it: `{ outcome: 'ok' | <error code>, finding?: string }`. A finding
 * is anything that is not a result or a CifarkitError, or a CifarkitError caused by a RangeError.
 */
export async function runCase(api, c) {
  const before = process.memoryUsage().arrayBuffers;
  const r = await classify(api, c);
  // Allocation: what the case left allocated right after it ran. The inputs are at most a few
  // hundred KB, so hundreds of MB can only come from a size that was declared, not present.
  const grown = process.memoryUsage().arrayBuffers - before;
  if (!r.finding && grown > MAX_GROWTH) return { ...r, finding: `allocation: ${Math.round(grown / 2 ** 20)} MiB of ArrayBuffers after the case (outcome ${r.outcome})` };
  return r;
}

/** More than this growth of ArrayBuffer bytes across one case is a finding (see runCase). */
const MAX_GROWTH = 256 * 2 ** 20;

async function classify(api, c) {
  try {
    if (c.target === 'pickle') {
      api.readPickle(c.files[c.path], { file: c.path });
    } else if (c.target === 'archive') {
      digest(await api.Dataset.importFrom(c.files[c.path]));
    } else if (c.target === 'detect') {
      digest(await api.Dataset.importFrom(c.files));
    } else {
      digest(await api.Dataset.importFrom(c.files, c.target));
    }
    return { outcome: 'ok' };
  } catch (err) {
    if (err instanceof api.CifarkitError) {
      const cause = err.cause;
      // fflate's unzip writes past its buffer on a lying size field and throws a RangeError,
      // which zip.ts reports as invalid zip data: the right answer. Any other wrapped RangeError
      // (a stack overflow, an allocation failure, an out-of-bounds write) is a finding.
      const zipData = err.code === 'ARCHIVE_CORRUPT' && /invalid zip data/.test(err.message) && !INTERNAL.test(err.message);
      // The pickle reader's deliberate refusal of one opcode with hundreds of thousands of items.
      const tooManyItems = err.code === 'PICKLE_CORRUPT' && /the call stack ran out/.test(err.message);
      if ((cause instanceof RangeError || INTERNAL.test(err.message)) && !(cause instanceof api.CifarkitError) && !zipData && !tooManyItems) {
        return { outcome: err.code, finding: `${err.code} wrapping ${cause?.name ?? 'an internal error'}: ${firstLine(cause?.message ?? err.message)}`, error: err };
      }
      return { outcome: err.code };
    }
    const e = err instanceof Error ? err : new Error(String(err));
    return { outcome: e.name, finding: `${e.name}: ${firstLine(e.message)} ${topFrame(e)}`, error: e };
  }
}

function firstLine(s) {
  return String(s).split('\n')[0].slice(0, 160);
}

function topFrame(e) {
  const frame = (e.stack ?? '').split('\n').find((l) => /^\s+at /.test(l));
  return frame ? `(${frame.trim().replace(/^at /, '').replace(/file:\/\/\S*\/(src|dist|node_modules)\//, '$1/')})` : '';
}
