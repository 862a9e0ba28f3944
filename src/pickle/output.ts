/**
 * The pickle writer's output: a growable buffer handed out as chunks, and protocol 4's frames.
 *
 * It follows CPython's Modules/_pickle.c (_Pickler_Write, _Pickler_CommitFrame,
 * _Pickler_OpcodeBoundary, _Pickler_write_bytes), so that frames open, close and are dropped
 * exactly where CPython's do, and large payloads are not copied: they become chunks of their own,
 * views of the caller's bytes.
 *
 * Core code: web-standard APIs only (Uint8Array, DataView).
 */
import { OP } from './opcodes.js';

/** Frames close at the first save() once they hold this many bytes; payloads this big bypass them. */
export const FRAME_SIZE_TARGET = 64 * 1024;
/** A frame of fewer bytes is not framed at all. */
const FRAME_SIZE_MIN = 4;
/** FRAME opcode + eight-byte length. */
const FRAME_HEADER_SIZE = 9;

const INITIAL_CAPACITY = 16 * 1024;

/** Opcodes and their arguments, written in order into chunks. */
export class PickleOutput {
  private buf = new Uint8Array(INITIAL_CAPACITY);
  private view = new DataView(this.buf.buffer);
  /** Write position in `buf`. */
  private pos = 0;
  /** `buf[0, start)` already belongs to `chunks`. */
  private start = 0;
  private readonly chunks: Uint8Array[] = [];
  private framing = false;
  private frameStart = -1;

  /** PROTO; from protocol 4 on, everything after it is framed. */
  begin(protocol: number): void {
    this.opU8(OP.PROTO, protocol);
    if (protocol >= 4) this.framing = true;
  }

  /** STOP, then the chunks of the whole pickle. */
  finish(): Uint8Array[] {
    this.op(OP.STOP);
    this.commitFrame();
    this.flush();
    return this.chunks;
  }

  /** `_Pickler_OpcodeBoundary`, called where CPython's save() starts. */
  boundary(): void {
    if (this.frameStart >= 0 && this.pos - this.frameStart - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  op(code: number): void {
    this.reserve(1);
    this.buf[this.pos++] = code;
  }

  opU8(code: number, v: number): void {
    this.reserve(2);
    this.buf[this.pos++] = code;
    this.buf[this.pos++] = v;
  }

  /** An opcode and a little-endian uint16 or uint32 argument (an int32 too: the same bytes). */
  opUint(code: number, size: 2 | 4, v: number): void {
    this.reserve(1 + size);
    this.buf[this.pos] = code;
    if (size === 2) this.view.setUint16(this.pos + 1, v, true);
    else this.view.setUint32(this.pos + 1, v, true);
    this.pos += 1 + size;
  }

  /** An opcode with a big-endian float64 (BINFLOAT). */
  opF64(code: number, v: number): void {
    this.reserve(9);
    this.buf[this.pos] = code;
    this.view.setFloat64(this.pos + 1, v, false);
    this.pos += 9;
  }

  /** An opcode and a line-based argument (GLOBAL, INT): `text` holds only chars below U+0100. */
  opText(code: number, text: string): void {
    this.reserve(1 + text.length);
    this.buf[this.pos++] = code;
    for (let i = 0; i < text.length; i++) this.buf[this.pos++] = text.charCodeAt(i);
  }

  /** Writes an opcode with a little-endian length of `lengthSize` bytes (1, 4 or 8), no payload. */
  header(code: number, lengthSize: 1 | 4 | 8, length: number): void {
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

  /** Copies `data` into the output (an argument written after its header, never its own chunk). */
  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Lets `encode` write `n` bytes of `src` in place; it returns the end position. */
  fill<T>(n: number, encode: (src: T, out: Uint8Array, at: number) => number, src: T): void {
    this.reserve(n);
    this.pos = encode(src, this.buf, this.pos);
  }

  /**
   * `_Pickler_write_bytes`: an opcode, its length and its payload. A payload of 64 KiB or more
   * closes the open frame and goes out unframed, as its own chunk (not copied).
   */
  payload(code: number, lengthSize: 1 | 4 | 8, data: Uint8Array): void {
    if (data.length < FRAME_SIZE_TARGET) {
      this.header(code, lengthSize, data.length);
      this.bytes(data);
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
}
