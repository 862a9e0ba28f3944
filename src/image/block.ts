/**
 * One subset's pixels as one block: `count` RGB images of `height` x `width`, row after row, as
 * the file stores them (planar CHW per image) until the first consumer needs them interleaved.
 *
 * Why lazy (issue 16, measured in BENCHMARKS.md): the CHW -> HWC transposition of a full
 * CIFAR-10 is ~50 ms of the import's main thread, and most consumers do not need it: a CIFAR
 * export writes the planar rows as they are, an NCHW tensor copies them, a label-only pass
 * (filter on labels, stats of labels, validate's label checks) never reads a pixel. The first
 * HWC access (`Image.data`, an NHWC tensor of the block's rows, PNG export) transposes the whole
 * block once, in place when the block is the import's own memory.
 */
import { kernels } from '../kernels/pixels.js';

/** Bytes per step of the in-place transposition: in and out stay in the L2 cache. */
const IN_PLACE_STEP = 1 << 18;

/**
 * CHW -> HWC over `count` images of `pixels` pixels, in place: each step is copied to a small
 * scratch buffer and transposed back (the wasm kernel does it without the copy). With the block
 * a view of the file buffer, an import needs no memory beyond the file itself.
 */
export function chwToHwcInPlace(data: Uint8Array, pixels: number, count: number, swapRB: boolean): void {
  const k = kernels();
  if (k.inPlace) {
    k.chwToHwc(data, data, pixels, count, swapRB);
    return;
  }
  const imageBytes = 3 * pixels;
  const perStep = Math.max(1, Math.floor(IN_PLACE_STEP / imageBytes));
  const scratch = new Uint8Array(Math.min(perStep, count) * imageBytes);
  for (let done = 0; done < count; done += perStep) {
    const n = Math.min(perStep, count - done);
    const from = done * imageBytes;
    const len = n * imageBytes;
    scratch.set(data.subarray(from, from + len));
    k.chwToHwc(scratch.subarray(0, len), data.subarray(from, from + len), pixels, n, swapRB);
  }
}

/**
 * A block of equally sized RGB images (see the module doc), or of grayscale ones (`PixelBlock.gray`:
 * one plane, so planar and interleaved are the same bytes; nothing is ever transposed). `owned`: the bytes are the block's
 * to change (a read buffer of the import's own, or a conversion); otherwise they are copied on
 * the first HWC access, never written to.
 */
export class PixelBlock {
  /** Bytes per image (channels * height * width). */
  readonly imageBytes: number;
  /** 3 (RGB) or 1 (grayscale). */
  readonly channels: number;
  private bytes: Uint8Array;
  /** True while `bytes` holds the file's planar rows (planes in file order). */
  private planar: boolean;

  constructor(
    bytes: Uint8Array,
    readonly count: number,
    readonly height: number,
    readonly width: number,
    /** The file's planes are B, G, R (channelOrder 'bgr'): swapped when transposed. */
    readonly swapRB: boolean,
    private owned: boolean,
    /** False for bytes already interleaved (HWC, RGB). */
    planar = true,
    channels = 3,
  ) {
    this.channels = channels;
    this.imageBytes = channels * height * width;
    this.bytes = bytes;
    this.planar = planar;
  }

  /** A block of `count` grayscale images, `height * width` bytes each (MNIST's idx3 rows). */
  static gray(bytes: Uint8Array, count: number, height: number, width: number): PixelBlock {
    return new PixelBlock(bytes, count, height, width, false, false, false, 1);
  }

  /** Whether the pixels are still planar (not transposed yet). */
  get isPlanar(): boolean {
    return this.planar;
  }

  /** The interleaved RGB rows (HWC per image): transposed on the first call. Read only. */
  hwc(): Uint8Array {
    if (this.planar) {
      const pixels = this.height * this.width;
      if (this.owned) {
        chwToHwcInPlace(this.bytes, pixels, this.count, this.swapRB);
      } else {
        const out = new Uint8Array(this.bytes.length);
        kernels().chwToHwc(this.bytes, out, pixels, this.count, this.swapRB);
        this.bytes = out;
        this.owned = true;
      }
      this.planar = false;
    }
    return this.bytes;
  }

  /**
   * The planar rows as they are, without a copy, when they already have the plane order asked
   * for (`swapRB`: B, G, R); null otherwise (transposed, or the other order). Read only.
   */
  planarView(swapRB: boolean): Uint8Array | null {
    return this.planar && this.swapRB === swapRB ? this.bytes : null;
  }

  /**
   * Writes images `rows` (null: all, in order) planar into `out`, planes R, G, B or (`swapRB`)
   * B, G, R: copies of the planar rows while the block has them in that order, else one
   * `hwcToChw` kernel call (per row for a selection).
   */
  planarInto(rows: Int32Array | null, swapRB: boolean, out: Uint8Array): void {
    const n = this.imageBytes;
    const pixels = this.height * this.width;
    const same = this.planarView(swapRB);
    if (rows === null) {
      if (same) out.set(same);
      else kernels().hwcToChw(this.hwc(), out, pixels, this.count, swapRB);
      return;
    }
    const k = same ? null : kernels();
    const hwc = same ? null : this.hwc();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (same) out.set(same.subarray(r * n, (r + 1) * n), i * n);
      else k!.hwcToChw(hwc!.subarray(r * n, (r + 1) * n), out.subarray(i * n, (i + 1) * n), pixels, 1, swapRB);
    }
  }

  /** Writes images `rows` (null: all, in order) interleaved RGB into `out`: one kernel call from planar rows, or copies. */
  hwcInto(rows: Int32Array | null, out: Uint8Array): void {
    const n = this.imageBytes;
    const pixels = this.height * this.width;
    if (rows === null) {
      if (this.planar) kernels().chwToHwc(this.bytes, out, pixels, this.count, this.swapRB);
      else out.set(this.bytes);
      return;
    }
    const k = this.planar ? kernels() : null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const src = this.bytes.subarray(r * n, (r + 1) * n);
      if (k) k.chwToHwc(src, out.subarray(i * n, (i + 1) * n), pixels, 1, this.swapRB);
      else out.set(src, i * n);
    }
  }

  /** Writes image `row` interleaved RGB into `out` (its `imageBytes` bytes), without transposing the block. */
  hwcRowInto(row: number, out: Uint8Array): void {
    const n = this.imageBytes;
    const src = this.bytes.subarray(row * n, (row + 1) * n);
    if (this.planar) kernels().chwToHwc(src, out, this.height * this.width, 1, this.swapRB);
    else out.set(src);
  }

  /** Writes image `row` planar R, G, B into `out` (its `imageBytes` bytes). */
  planarRowInto(row: number, out: Uint8Array): void {
    const n = this.imageBytes;
    const same = this.planarView(false);
    if (same) out.set(same.subarray(row * n, (row + 1) * n));
    else kernels().hwcToChw(this.hwcRow(row), out, this.height * this.width, 1, false);
  }

  /** Image `row`'s interleaved bytes (a view into `hwc()`). */
  hwcRow(row: number): Uint8Array {
    const n = this.imageBytes;
    return this.hwc().subarray(row * n, (row + 1) * n);
  }
}
