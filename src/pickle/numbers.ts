/**
 * How the pickle writer writes Python numbers, as CPython's `save_long`/`save_float` and
 * Python 2's cPickle do: ints as BININT1 / BININT2 / BININT within 32 bits, beyond that as the
 * shortest little-endian two's complement (LONG1 / LONG4), or in the python2 layout as cPickle's
 * text `INT` within 64 bits; floats as BINFLOAT (a big-endian float64).
 */
import { OP } from './opcodes.js';
import type { PickleOutput } from './output.js';

/** A safe integer: BININT1 / BININT2 / BININT, beyond 32 bits LONG1 (Python 2: text INT). */
export function saveInt(out: PickleOutput, py2: boolean, v: number): void {
  if (v >= 0 && v <= 0xff) out.opU8(OP.BININT1, v);
  else if (v >= 0 && v <= 0xffff) out.opUint(OP.BININT2, 2, v);
  else if (v >= -0x80000000 && v <= 0x7fffffff) out.opUint(OP.BININT, 4, v);
  else if (py2) saveTextInt(out, String(v));
  else saveLong(out, BigInt(v));
}

/** A bigint: as a number within 32 bits, else LONG1 / LONG4 (Python 2 within 64 bits: text INT). */
export function saveBigInt(out: PickleOutput, py2: boolean, v: bigint): void {
  if (v >= -0x80000000n && v <= 0x7fffffffn) saveInt(out, py2, Number(v));
  else if (py2 && v >= -(2n ** 63n) && v < 2n ** 63n) saveTextInt(out, v.toString());
  else saveLong(out, v);
}

/** A float (any JS number that is not a safe integer): BINFLOAT. */
export function saveFloat(out: PickleOutput, v: number): void {
  out.opF64(OP.BINFLOAT, v);
}

/** Python 2 `int` beyond 32 bits: cPickle writes it as text, `I<decimal>\n`. */
function saveTextInt(out: PickleOutput, decimal: string): void {
  out.opText(OP.INT, `${decimal}\n`);
}

/** LONG1 / LONG4: the shortest little-endian two's complement. */
function saveLong(out: PickleOutput, v: bigint): void {
  const magnitude = v < 0n ? -v - 1n : v;
  const n = (magnitude === 0n ? 0 : Math.floor(magnitude.toString(2).length / 8)) + 1;
  const hex = BigInt.asUintN(8 * n, v).toString(16).padStart(2 * n, '0');
  if (n < 256) out.header(OP.LONG1, 1, n);
  else out.header(OP.LONG4, 4, n);
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = 2 * (n - 1 - i);
    bytes[i] = parseInt(hex.slice(at, at + 2), 16);
  }
  out.bytes(bytes);
}
