/**
 * Image files <-> {@link Image}: PNG (https://www.w3.org/TR/png/) and JPEG (ITU-T T.81, JFIF).
 *
 * - PNG, decoding: upng-js (every colour type, bit depth, palette, interlacing; APNG gives its
 *   first frame). cifarkit first checks the chunk structure and the CRCs of the critical chunks,
 *   which upng-js does not, so a cut or damaged file is refused instead of read as garbage.
 * - PNG, encoding: written here (truecolour RGB or grayscale, never a palette; libpng's filter
 *   heuristic, fflate's zlib). upng-js's encoder deflates every image once per filter type (about
 *   1 ms per 32x32 image), may pick a palette and overflow its output buffer on tiny images, and
 *   writes no grayscale.
 * - JPEG, decoding: jpeg-js's decoder (typed arrays only, no Node Buffer).
 * - JPEG, encoding: {@link encodeJpeg} (baseline, 4:4:4), quality {@link JPEG_QUALITY} by default.
 *
 * Pixels are 8-bit, interleaved (HWC): 3 channels (RGB) or 1 (gray). Decoding gives 1 channel
 * for a grayscale PNG (colour types 0 and 4) or a one-component JPEG, 3 channels otherwise; an
 * alpha channel is dropped (not composited), 16-bit samples keep their high byte.
 */
import { zlibSync } from 'fflate';
import decodeJpegPixels from 'jpeg-js/lib/decoder.js';
import UPNG from 'upng-js';
import { concatBytes, crc32 } from '../bytes.js';
import { Image } from './image.js';
import { CifarkitError, DatasetExportError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import { encodeJpeg } from './jpeg-encoder.js';
import type { DecodeBudget } from '../limits.js';

/**
 * The JPEG quality used when none is given (libjpeg scale 1..100). Datumaro (OpenCV) uses 75.
 *
 * @example
 * ```ts
 * import { JPEG_QUALITY } from 'cifarkit';
 *
 * console.log(JPEG_QUALITY); // 95
 * ```
 */
export const JPEG_QUALITY = 95;

/** Images larger than this many pixels are refused when decoding (a guard against bombs). */
export const MAX_DECODE_PIXELS = 100_000_000;

export type ImageCodec = 'png' | 'jpeg';

/** The codec for a file extension ('.png', '.jpg', '.jpeg', any case), or null. */
export function codecForExt(ext: string): ImageCodec | null {
  const e = typeof ext === 'string' ? ext.toLowerCase() : '';
  if (e === '.png') return 'png';
  if (e === '.jpg' || e === '.jpeg') return 'jpeg';
  return null;
}

/** The extensions {@link encodeImage} accepts. */
export const SUPPORTED_IMAGE_EXTS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * The options of {@link encodeImage}.
 *
 * @example
 * ```ts
 * import { encodeImage, Image, type EncodeOptions } from 'cifarkit';
 *
 * const options: EncodeOptions = { jpegQuality: 75 };
 * const jpeg = encodeImage(Image.fromHWC(new Uint8Array(8 * 8 * 3), 8, 8), '.jpg', options);
 * console.log(jpeg[0], jpeg[1]); // 255 216
 * ```
 */
export interface EncodeOptions {
  /** JPEG quality 1..100 (default {@link JPEG_QUALITY}); ignored for PNG. */
  jpegQuality?: number;
}

/**
 * Encodes an image as the file type its extension names: '.png' (lossless) or '.jpg'/'.jpeg'
 * (lossy, baseline). A 1-channel image is written as grayscale, a 3-channel one as colour.
 * Throws EXPORT_UNSUPPORTED for another extension and for an empty image.
 *
 * @example
 * ```ts
 * import { encodeImage, Image } from 'cifarkit';
 *
 * const png = encodeImage(Image.fromHWC(new Uint8Array([255, 0, 0]), 1, 1), '.png');
 * console.log(new TextDecoder().decode(png.subarray(1, 4))); // PNG
 * ```
 */
export function encodeImage(image: Image, ext: string, options: EncodeOptions = {}): Uint8Array {
  const codec = codecForExt(ext);
  if (!codec) {
    throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `cannot write '${String(ext)}' images; cifarkit writes ${SUPPORTED_IMAGE_EXTS.join(', ')}`);
  }
  if (!(image instanceof Image)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'encodeImage needs an Image');
  const { width, height, channels } = image;
  if (width === 0 || height === 0) {
    throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `a ${height}x${width} image has no pixels; ${codec.toUpperCase()} cannot hold it`);
  }
  if (codec === 'jpeg') {
    if (width > 0xffff || height > 0xffff) {
      throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `a ${height}x${width} image is too large for JPEG (at most 65535 per side)`);
    }
    const quality = options.jpegQuality ?? JPEG_QUALITY;
    if (typeof quality !== 'number' || !Number.isInteger(quality) || quality < 1 || quality > 100) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `jpegQuality must be an integer 1..100, got ${String(quality)}`);
    }
    return encodeJpeg(image.data, width, height, channels as 1 | 3, quality);
  }
  return encodePng(image.data, width, height, channels as 1 | 3);
}

// ---- PNG writer ------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function pngChunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/**
 * Filters each row of 8-bit samples (`bpp` bytes per pixel) with the PNG filter whose output has
 * the smallest sum of |signed bytes| (libpng's heuristic; ties go to the lower filter type). All
 * five candidates are computed in one pass over the row.
 */
function filterRows(px: Uint8Array, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * (stride + 1));
  const c0 = new Uint8Array(stride);
  const c1 = new Uint8Array(stride);
  const c2 = new Uint8Array(stride);
  const c3 = new Uint8Array(stride);
  const c4 = new Uint8Array(stride);
  const candidates = [c0, c1, c2, c3, c4];
  for (let y = 0; y < height; y++) {
    const r = y * stride;
    const u = r - stride; // the row above; none for the first row (its bytes count as 0)
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    for (let x = 0; x < stride; x++) {
      const v = px[r + x]!;
      const a = x >= bpp ? px[r + x - bpp]! : 0;
      const b = y > 0 ? px[u + x]! : 0;
      const c = y > 0 && x >= bpp ? px[u + x - bpp]! : 0;
      let d = v;
      c0[x] = d;
      s0 += d < 128 ? d : 256 - d;
      d = (v - a) & 0xff;
      c1[x] = d;
      s1 += d < 128 ? d : 256 - d;
      d = (v - b) & 0xff;
      c2[x] = d;
      s2 += d < 128 ? d : 256 - d;
      d = (v - ((a + b) >> 1)) & 0xff;
      c3[x] = d;
      s3 += d < 128 ? d : 256 - d;
      const p = a + b - c;
      const pa = p > a ? p - a : a - p;
      const pb = p > b ? p - b : b - p;
      const pc = p > c ? p - c : c - p;
      d = (v - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      c4[x] = d;
      s4 += d < 128 ? d : 256 - d;
    }
    let type = 0;
    let best = s0;
    if (s1 < best) [type, best] = [1, s1];
    if (s2 < best) [type, best] = [2, s2];
    if (s3 < best) [type, best] = [3, s3];
    if (s4 < best) type = 4;
    out[y * (stride + 1)] = type;
    out.set(candidates[type]!, y * (stride + 1) + 1);
  }
  return out;
}

/**
 * An 8-bit PNG: grayscale (1 channel) or truecolour RGB (3), never a palette, zlib by fflate.
 * Written here rather than by upng-js, which costs ~1 ms per 32x32 image (it deflates the image
 * once per filter type) and writes no grayscale; this is about 5x faster on CIFAR's tiny images.
 */
function encodePng(data: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  const filtered = filterRows(data, width, height, channels);
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: grayscale or truecolour
  // compression, filter method, interlace: all 0
  return concatBytes([Uint8Array.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr), pngChunk('IDAT', zlibSync(filtered, { level: 9 })), pngChunk('IEND', new Uint8Array(0))]);
}

// ---- decoding -------------------------------------------------------------------------------

/** The image type by its signature: 'png', 'jpeg', or null. */
export function sniffImage(bytes: Uint8Array): ImageCodec | null {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** The extension of a file name as Python's os.path.splitext gives it ('a.b.png' -> '.png', '.png' -> ''). */
function extensionOf(name: string): string {
  const base = String(name).slice(String(name).lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 && !/^\.+$/.test(base.slice(0, dot)) ? base.slice(dot) : '';
}

function decodeError(file: string, detail: string, cause?: unknown): DatasetImportError {
  return new DatasetImportError(ErrorCode.IMAGE_DECODE_FAILED, detail, { file, cause });
}

/**
 * Decodes a PNG or JPEG file (the type is read from the bytes, not from `name`). `name` is used
 * in error messages and gives the image's `ext`. Throws IMAGE_DECODE_FAILED (naming the file)
 * for anything else, for corrupt or cut files, and for images over 100,000,000 pixels;
 * with a `budget`, IMPORT_TOO_LARGE before decoding an image that does not fit in it.
 *
 * @example
 * ```ts
 * import { decodeImage, encodeImage, Image } from 'cifarkit';
 *
 * const png = encodeImage(Image.fromHWC(new Uint8Array([10, 20, 30]), 1, 1), '.png');
 * const image = decodeImage(png, 'pixel.png');
 * console.log(image.ext, image.width, image.data); // .png 1 Uint8Array(3) [ 10, 20, 30 ]
 * ```
 */
export function decodeImage(bytes: Uint8Array, name: string, budget?: DecodeBudget): Image {
  if (!(bytes instanceof Uint8Array)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'decodeImage needs a Uint8Array');
  const codec = sniffImage(bytes);
  const ext = extensionOf(name);
  if (!codec) {
    throw decodeError(name, 'not a PNG or JPEG file (cifarkit decodes these two; the type is read from the first bytes, not the name)');
  }
  try {
    return codec === 'png' ? decodePng(bytes, name, ext, budget) : decodeJpeg(bytes, name, ext, budget);
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw decodeError(name, `corrupt ${codec === 'png' ? 'PNG' : 'JPEG'} data: ${why}`, err);
  }
}

function checkSize(width: number, height: number, name: string, what: string): void {
  if (width === 0 || height === 0) throw decodeError(name, `the ${what} header gives an empty ${width}x${height} image`);
  if (width * height > MAX_DECODE_PIXELS) {
    throw decodeError(name, `the ${what} is ${width}x${height} pixels, more than the ${MAX_DECODE_PIXELS} cifarkit decodes`);
  }
}

const CRITICAL_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);

/** Walks the chunks: each fits in the file, critical ones have a correct CRC, IHDR first, IDAT, IEND. */
function checkPngStructure(bytes: Uint8Array, name: string): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let first = true;
  let sawData = false;
  let width = 0;
  let height = 0;
  for (;;) {
    if (offset + 12 > bytes.length) throw decodeError(name, `the PNG is cut short at byte ${offset} (no IEND chunk)`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(bytes[offset + 4]!, bytes[offset + 5]!, bytes[offset + 6]!, bytes[offset + 7]!);
    const end = offset + 8 + length;
    if (length > 0x7fffffff || end + 4 > bytes.length) throw decodeError(name, `the PNG is cut short: chunk '${type}' at byte ${offset} runs past the end`);
    if (first && type !== 'IHDR') throw decodeError(name, `the first PNG chunk is '${type}', not 'IHDR'`);
    if (CRITICAL_CHUNKS.has(type) && crc32(bytes.subarray(offset + 4, end)) !== view.getUint32(end)) {
      throw decodeError(name, `the CRC of PNG chunk '${type}' at byte ${offset} is wrong (a damaged file)`);
    }
    if (type === 'IHDR') {
      if (length !== 13) throw decodeError(name, `the IHDR chunk has ${length} bytes, not 13`);
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
    }
    if (type === 'IDAT') sawData = true;
    first = false;
    offset = end + 4;
    if (type === 'IEND') break;
  }
  if (!sawData) throw decodeError(name, 'the PNG has no IDAT (pixel data) chunk');
  return { width, height };
}

/**
 * Bytes per pixel a decoder works in beyond the pixels it returns, at most: upng's inflated rows
 * (up to 8 for 16-bit RGBA) and its RGBA copy (4); jpeg-js's component planes and RGB output.
 */
const DECODE_WORK_PER_PIXEL = 12;

/** Reserves an image's pixels (and, while it decodes, its decoder's working memory) in the import's budget. */
function reserve(budget: DecodeBudget | undefined, width: number, height: number, channels: number, name: string): void {
  budget?.decode(width * height * channels, `the ${width}x${height} image`, name, width * height * DECODE_WORK_PER_PIXEL);
}

function decodePng(bytes: Uint8Array, name: string, ext: string, budget?: DecodeBudget): Image {
  const { width, height } = checkPngStructure(bytes, name);
  checkSize(width, height, name, 'PNG');
  const ctype = bytes[25];
  reserve(budget, width, height, ctype === 0 || ctype === 4 ? 1 : 3, name);
  const png = UPNG.decode(bytes);
  const bitsPerPixel = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[png.ctype];
  if (bitsPerPixel === undefined || ![1, 2, 4, 8, 16].includes(png.depth)) {
    throw decodeError(name, `unsupported PNG colour type ${png.ctype} with bit depth ${png.depth}`);
  }
  // Non-interlaced data is unfiltered in place: a short inflated stream shows in its length.
  const rowBytes = Math.ceil((width * bitsPerPixel * png.depth) / 8);
  const interlaced = bytes[28] === 1;
  if (!(png.data instanceof Uint8Array) || (!interlaced && png.data.length < height * (rowBytes + 1))) {
    throw decodeError(name, 'the PNG pixel data is shorter than its size needs');
  }
  const rgba = new Uint8Array(UPNG.toRGBA8(png)[0]!);
  const pixels = width * height;
  const gray = png.ctype === 0 || png.ctype === 4;
  const out = new Uint8Array(pixels * (gray ? 1 : 3));
  if (gray) for (let i = 0; i < pixels; i++) out[i] = rgba[4 * i]!;
  else {
    for (let i = 0, j = 0; i < pixels; i++, j += 3) {
      out[j] = rgba[4 * i]!;
      out[j + 1] = rgba[4 * i + 1]!;
      out[j + 2] = rgba[4 * i + 2]!;
    }
  }
  return new Image(out, height, width, gray ? 1 : 3, { ext });
}

/** The number of components and the size from the JPEG frame header (SOFn), read before decoding. */
function jpegFrame(bytes: Uint8Array, name: string): { components: number; width: number; height: number } {
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw decodeError(name, `no JPEG marker at byte ${i} (a damaged file)`);
    let marker = bytes[i + 1]!;
    while (marker === 0xff && i + 2 < bytes.length) marker = bytes[++i + 1]!; // fill bytes
    i += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    if (i + 2 > bytes.length) break; // cut short
    const length = (bytes[i]! << 8) | bytes[i + 1]!;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 8 > bytes.length) break; // cut short
      return { height: (bytes[i + 3]! << 8) | bytes[i + 4]!, width: (bytes[i + 5]! << 8) | bytes[i + 6]!, components: bytes[i + 7]! };
    }
    if (marker === 0xda || marker === 0xd9) throw decodeError(name, 'the JPEG has no frame header (SOF) before its data');
    i += length;
  }
  throw decodeError(name, `the JPEG is cut short (${bytes.length} bytes) before its frame header (SOF)`);
}

function decodeJpeg(bytes: Uint8Array, name: string, ext: string, budget?: DecodeBudget): Image {
  const frame = jpegFrame(bytes, name);
  checkSize(frame.width, frame.height, name, 'JPEG');
  reserve(budget, frame.width, frame.height, frame.components === 1 ? 1 : 3, name);
  const decoded = decodeJpegPixels(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: MAX_DECODE_PIXELS / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  const { width, height, data } = decoded;
  if (width !== frame.width || height !== frame.height || data.length !== width * height * 3) {
    throw decodeError(name, `the JPEG decodes to ${height}x${width}, not the ${frame.height}x${frame.width} its header gives`);
  }
  if (frame.components === 1) {
    const gray = new Uint8Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = data[3 * i]!;
    return new Image(gray, height, width, 1, { ext });
  }
  return new Image(data, height, width, 3, { ext });
}
