/** Image media: pixels in memory, interleaved (HWC), RGB for 3 channels. */
import { ErrorCode, UsageError } from '../errors.js';
import { kernels } from '../kernels/pixels.js';
import type { PixelBlock } from './block.js';

/**
 * Where an image came from: what `new Image(...)` and its factories take besides the pixels.
 *
 * @example
 * ```ts
 * import { Image, type ImageOptions } from 'cifarkit';
 *
 * const options: ImageOptions = { ext: '.jpg', path: 'train/cat/001.jpg' };
 * console.log(Image.fromHWC(new Uint8Array(12), 2, 2, 3, options).ext); // .jpg
 * ```
 */
export interface ImageOptions {
  /** The file extension the image's source names ('.png'); exporters keep it unless told otherwise. */
  ext?: string;
  /** The path of the file the image was read from, when it was read from one (`id_from_image_name` uses its name). */
  path?: string;
}

/**
 * What `Image.fromImageData` reads: a canvas `ImageData`, or any object of its shape.
 *
 * @example
 * ```ts
 * import { Image, type ImageDataInput } from 'cifarkit';
 *
 * const rgba: ImageDataInput = { data: new Uint8ClampedArray([255, 0, 0, 255]), width: 1, height: 1 };
 * console.log(Image.fromImageData(rgba).data); // Uint8Array(3) [ 255, 0, 0 ]
 * ```
 */
export interface ImageDataInput {
  /** RGBA bytes, row by row, `width * height * 4` long. */
  data: Uint8ClampedArray | Uint8Array;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
}

/** The `data` argument that makes a block image (see `imageOfBlock`); no caller can pass it. */
const BLOCK_PIXELS = new Uint8Array(0);

// A function, not a loop over [name, value] pairs: an import builds 60,000 images, and the
// pairs were garbage enough to show in the profile.
function checkDimension(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `Image ${name} must be a non-negative integer, got ${v}`);
}

/**
 * An image in memory: `height * width * channels` bytes, interleaved (HWC), RGB for 3 channels,
 * as Datumaro's `Image` gives numpy. Build one from HWC, CHW (CIFAR's planes) or canvas RGBA.
 *
 * @example
 * ```ts
 * import { Image } from 'cifarkit';
 *
 * const chw = new Uint8Array(2 * 2 * 3);
 * chw.fill(255, 0, 4); // the red plane
 * const image = Image.fromCHW(chw, 2, 2);
 * console.log(image.width, image.channels, image.data.slice(0, 3)); // 2 3 Uint8Array(3) [ 255, 0, 0 ]
 * console.log(image.toCHW().every((v, i) => v === chw[i])); // true
 * ```
 */
export class Image {
  /** The file extension the image's source names ('.png', '.jpg'), or '' when unknown. */
  readonly ext: string;
  /** The path of the image's file in its dataset ('' when it did not come from a file of its own, as CIFAR's). */
  readonly path: string;

  /** Rows. */
  readonly height: number;
  /** Columns. */
  readonly width: number;
  /** 3 (RGB) or 1 (grayscale). */
  readonly channels: number;
  /** The HWC bytes, or null until a block image's first access (see `data`). */
  private pixels: Uint8Array | null;
  /** The block and row a columnar import's image reads its pixels from (see image/block.ts). */
  private block: PixelBlock | null = null;
  private row = 0;

  /**
   * @param data HWC bytes, `height * width * channels` long (a view is kept, not a copy)
   * @param height rows
   * @param width columns
   * @param channels 3 (RGB) or 1 (grayscale)
   */
  constructor(data: Uint8Array, height: number, width: number, channels: number = 3, options: ImageOptions = {}) {
    this.pixels = data;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.ext = options.ext ?? '';
    this.path = options.path ?? '';
    // A block image (imageOfBlock): its sizes are the block's, its pixels come on first access.
    if (data === BLOCK_PIXELS) {
      this.pixels = null;
      return;
    }
    if (!(data instanceof Uint8Array)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'Image data must be a Uint8Array');
    checkDimension('height', height);
    checkDimension('width', width);
    checkDimension('channels', channels);
    if (channels !== 1 && channels !== 3) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `Image channels must be 1 (grayscale) or 3 (RGB), got ${channels}`);
    }
    if (data.length !== height * width * channels) {
      throw new UsageError(
        ErrorCode.INVALID_ARGUMENT,
        `Image data has ${data.length} bytes, expected ${height}*${width}*${channels} = ${height * width * channels}`,
      );
    }
  }

  /** The HWC bytes, `height * width * channels` long (RGB when 3 channels): a view, not a copy. */
  get data(): Uint8Array {
    return this.pixels ?? (this.pixels = this.block!.hwcRow(this.row));
  }

  /** An image over HWC bytes (RGB when 3 channels). Keeps a view of `data`. */
  static fromHWC(data: Uint8Array, height: number, width: number, channels = 3, options: ImageOptions = {}): Image {
    return new Image(data, height, width, channels, options);
  }

  /** An RGB image from planar CHW bytes (R plane, G plane, B plane), as CIFAR stores it. */
  static fromCHW(data: Uint8Array, height: number, width: number, options: ImageOptions = {}): Image {
    const out = new Uint8Array(height * width * 3);
    if (data.length !== out.length) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `CHW data has ${data.length} bytes, expected 3*${height}*${width} = ${out.length}`);
    }
    kernels().chwToHwc(data, out, height * width, 1);
    return new Image(out, height, width, 3, options);
  }

  /** Whether pixel data is present (always, for in-memory images). */
  get hasData(): boolean {
    return true;
  }

  /** The planar CHW bytes of an RGB image (a new buffer). */
  toCHW(): Uint8Array {
    if (this.channels !== 3) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'toCHW needs a 3-channel image');
    if (this.pixels === null && this.block) {
      // A block image not read yet: its planar row, without transposing the block.
      const planar = new Uint8Array(this.block.imageBytes);
      this.block.planarRowInto(this.row, planar);
      return planar;
    }
    const out = new Uint8Array(this.data.length);
    kernels().hwcToChw(this.data, out, this.height * this.width, 1);
    return out;
  }

  /**
   * The pixels as canvas `ImageData`: RGBA, alpha 255, in a new buffer. A grayscale image gives
   * R = G = B. Where `globalThis.ImageData` exists (browsers, Deno) it is a
   * real `ImageData`, ready for `ctx.putImageData`; elsewhere (Node) an object of the same shape:
   * `{ data: Uint8ClampedArray, width, height, colorSpace: 'srgb' }`.
   * An image with no pixels (0 wide or high) is refused, as browsers refuse an empty ImageData.
   */
  toImageData(): ImageData {
    const { width, height } = this;
    if (width === 0 || height === 0) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `toImageData needs an image with pixels, this one is ${height}x${width}`);
    }
    const pixels = width * height;
    const rgba = new Uint8ClampedArray(pixels * 4);
    const out = new Uint8Array(rgba.buffer);
    if (this.channels === 3) {
      kernels().rgbToRgba(this.data, out, pixels);
    } else {
      const gray = this.data;
      for (let i = 0, o = 0; i < pixels; i++, o += 4) {
        const v = gray[i]!;
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
        out[o + 3] = 255;
      }
    }
    const Ctor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
    if (typeof Ctor === 'function') return new Ctor(rgba, width, height);
    return { data: rgba, width, height, colorSpace: 'srgb' } as ImageData;
  }

  /**
   * An RGB image from RGBA pixels: a canvas `ImageData` (`ctx.getImageData(...)`) or any
   * `{ data, width, height }` with `width * height * 4` bytes. Alpha is dropped, not composited:
   * a transparent pixel keeps its color channels as they are (canvas gives them un-premultiplied).
   * The pixels are copied; `imageData` is not kept.
   */
  static fromImageData(imageData: ImageDataInput, options: ImageOptions = {}): Image {
    if (typeof imageData !== 'object' || imageData === null) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'fromImageData takes an ImageData or a { data, width, height } object');
    }
    const { data, width, height } = imageData;
    for (const [k, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) {
        throw new UsageError(ErrorCode.INVALID_ARGUMENT, `fromImageData: ${k} must be a non-negative integer, got ${String(v)}`);
      }
    }
    if (!(data instanceof Uint8ClampedArray) && !(data instanceof Uint8Array)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'fromImageData: data must be a Uint8ClampedArray or Uint8Array of RGBA bytes');
    }
    const pixels = width * height;
    if (data.length !== pixels * 4) {
      throw new UsageError(
        ErrorCode.INVALID_ARGUMENT,
        `fromImageData: data has ${data.length} bytes, expected ${width}*${height}*4 = ${pixels * 4} (RGBA, 4 bytes per pixel)`,
      );
    }
    const src = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
    const out = new Uint8Array(pixels * 3);
    kernels().rgbaToRgb(src, out, pixels);
    return new Image(out, height, width, 3, options);
  }
}

/**
 * @internal Row `row` of a block of RGB images (a columnar import): its bytes are the block's,
 * read (and the block transposed) on the first access to `data`.
 */
export function imageOfBlock(block: PixelBlock, row: number, ext: string): Image {
  // Made by the constructor (not Object.create): the same object shape as every other image,
  // and a third of the time.
  const image = new Image(BLOCK_PIXELS, block.height, block.width, block.channels, { ext });
  const fields = image as unknown as { block: PixelBlock | null; row: number };
  fields.block = block;
  fields.row = row;
  return image;
}
