/**
 * Helpers shared by the image-file formats (ImageNet, ImageNet-txt, MNIST): export options that
 * concern images, Datumaro's dataset_meta.json, UTF-8 text files.
 */
import { DatasetExportError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import type { Image } from '../dataset/media.js';
import type { LabelCategories } from '../dataset/annotations.js';
import { codecForExt, encodeImage, SUPPORTED_IMAGE_EXTS } from '../image/codecs.js';
import type { ImageEncoder } from '../image/encoder-pool.js';
import type { ExportOptions } from './format.js';
import { compareCodePoints } from '../strings.js';

/** Re-exported for the format modules that import it from here (its home is src/strings.ts). */
export { compareCodePoints };

export const DATASET_META_FILE = 'dataset_meta.json';

/** Export options about images, checked once before anything is written. */
export interface ImageExportSettings {
  /** `options.imageExt`, when given. */
  imageExt: string | undefined;
  /** The format's extension when neither the option nor the item's source names a usable one. */
  defaultExt: string;
  jpegQuality: number | undefined;
  /** Encodes on other threads when `Dataset.export` made a pool (`workers`); else inline. */
  encoder: ImageEncoder | undefined;
}

/** Reads and checks `imageExt` (and the format-specific `jpegQuality`) of export options. */
export function imageExportSettings(options: ExportOptions, defaultExt: string): ImageExportSettings {
  const { jpegQuality } = options;
  // '' counts as not given, as in Datumaro (`image_ext or src_ext or default`).
  const imageExt = options.imageExt === '' ? undefined : options.imageExt;
  if (imageExt !== undefined && typeof imageExt !== 'string') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `imageExt must be a string such as '.png', got ${typeof imageExt}`);
  }
  if (imageExt !== undefined && codecForExt(imageExt) === null) {
    throw new DatasetExportError(
      ErrorCode.EXPORT_UNSUPPORTED,
      `imageExt '${imageExt}' cannot be written; cifarkit writes ${SUPPORTED_IMAGE_EXTS.join(', ')} (with the dot)`,
    );
  }
  if (jpegQuality !== undefined && (typeof jpegQuality !== 'number' || !Number.isInteger(jpegQuality) || jpegQuality < 1 || jpegQuality > 100)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `jpegQuality must be an integer 1..100, got ${String(jpegQuality)}`);
  }
  const encoder = options[ENCODER_OPTION] as ImageEncoder | undefined;
  return { imageExt, defaultExt, jpegQuality, encoder };
}

/** @internal The export option under which `Dataset.export` hands exporters its encoder pool. */
export const ENCODER_OPTION = '__cifarkitEncoder';

/**
 * The extension of an exported image, as Datumaro's `_find_image_ext`: the `imageExt` option,
 * else the extension the image's source names, else the format's default. A source extension
 * cifarkit cannot encode (say '.bmp') counts as none.
 */
export function imageExtFor(media: Image | null, settings: ImageExportSettings): string {
  if (settings.imageExt) return settings.imageExt;
  if (media && media.ext && codecForExt(media.ext)) return media.ext;
  return settings.defaultExt;
}

/**
 * The image file bytes for an extension chosen by {@link imageExtFor}: at once, or, with an
 * encoder pool, a promise of the same bytes encoded on another thread.
 */
export function encodeFor(media: Image, ext: string, settings: ImageExportSettings): Uint8Array | Promise<Uint8Array> {
  if (settings.encoder) return settings.encoder.encode(media, ext, settings.jpegQuality);
  return encodeImage(media, ext, { jpegQuality: settings.jpegQuality });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** UTF-8 text of a file (a leading BOM is dropped); invalid UTF-8 is an error with the given code. */
export function decodeUtf8(bytes: Uint8Array, file: string, code: ErrorCode): string {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, '');
  } catch (err) {
    throw new DatasetImportError(code, 'not valid UTF-8 text', { file, cause: err });
  }
}

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Label names from a dataset_meta.json, as Datumaro's `parse_meta_file` reads them: the
 * `labels` list, then the values of `label_map` in file order, each name once.
 */
export function parseDatasetMeta(bytes: Uint8Array, file: string): string[] {
  const text = decodeUtf8(bytes, file, ErrorCode.DATASET_META_INVALID);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DatasetImportError(ErrorCode.DATASET_META_INVALID, `not valid JSON: ${(err as Error).message}`, { file, cause: err });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new DatasetImportError(ErrorCode.DATASET_META_INVALID, 'expected a JSON object such as {"labels": [names]}', { file });
  }
  const meta = json as { labels?: unknown; label_map?: unknown };
  const names: string[] = [];
  const seen = new Set<string>(); // not names.includes: 160,000 labels would take O(n^2)
  const add = (name: unknown, field: string) => {
    if (typeof name !== 'string') {
      throw new DatasetImportError(ErrorCode.DATASET_META_INVALID, `label names must be strings, found ${JSON.stringify(name)}`, { file, field });
    }
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  if (meta.labels !== undefined) {
    if (!Array.isArray(meta.labels)) throw new DatasetImportError(ErrorCode.DATASET_META_INVALID, 'expected a list of names', { file, field: 'labels' });
    for (const name of meta.labels) add(name, 'labels');
  }
  if (meta.label_map !== undefined) {
    if (meta.label_map === null || typeof meta.label_map !== 'object' || Array.isArray(meta.label_map)) {
      throw new DatasetImportError(ErrorCode.DATASET_META_INVALID, 'expected an object of index -> name', { file, field: 'label_map' });
    }
    for (const name of Object.values(meta.label_map as Record<string, unknown>)) add(name, 'label_map');
  }
  return names;
}

/** dataset_meta.json as Datumaro's `save_meta_file` writes it for label-only datasets. */
export function datasetMetaBytes(labels: LabelCategories): Uint8Array {
  return utf8Bytes(`${JSON.stringify({ labels: labels.items.map((l) => l.name) }, null, 2)}\n`);
}

/** Orders '/'-separated paths as Python orders pathlib paths: part by part. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = compareCodePoints(pa[i]!, pb[i]!);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}
