/** Image media: pixels in memory, interleaved (HWC), RGB for 3 channels. */
import { ErrorCode, UsageError } from '../errors.js';
import { kernels } from '../image/kernels.js';

export interface ImageOptions {
  /** The file extension the image's source names ('.png'); exporters keep it unless told otherwise. */
  ext?: string;
}

export class Image {
  /** The file extension the image's source names ('.png', '.jpg'), or '' when unknown. */
  readonly ext: string;

  /**
   * @param data HWC bytes, `height * width * channels` long (a view is kept, not a copy)
   * @param height rows
   * @param width columns
   * @param channels 3 (RGB) or 1 (grayscale)
   */
  constructor(
    readonly data: Uint8Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number = 3,
    options: ImageOptions = {},
  ) {
    this.ext = options.ext ?? '';
    if (!(data instanceof Uint8Array)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'Image data must be a Uint8Array');
    for (const [k, v] of [['height', height], ['width', width], ['channels', channels]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `Image ${k} must be a non-negative integer, got ${v}`);
    }
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
    const out = new Uint8Array(this.data.length);
    kernels().hwcToChw(this.data, out, this.height * this.width, 1);
    return out;
  }
}
