/**
 * Helpers shared by the image-file formats (ImageNet, ImageNet-txt, MNIST): export options that
 * concern images, Datumaro's dataset_meta.json, UTF-8 text files.
 */
import { DatasetExportError, DatasetImportError, ErrorCode, UsageError } from '../errors.js';
import type { Image } from '../image/image.js';
import { LabelCategories } from '../model/annotations.js';
import { codecForExt, encodeImage, SUPPORTED_IMAGE_EXTS } from '../image/codecs.js';
import type { ImageEncoder } from '../image/encoder-pool.js';
import type { ExportContext, ImageExportOptions } from './format.js';
import { compareCodePoints } from '../strings.js';

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
export function imageExportSettings(options: ImageExportOptions, defaultExt: string, context: ExportContext): ImageExportSettings {
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
  return { imageExt, defaultExt, jpegQuality, encoder: context.encoder };
}

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
    const map = meta.label_map as Record<string, unknown>;
    // In the file's order, as Python's dict keeps it (a JS object puts integer-like keys first, ascending).
    for (const key of topLevelKeysOf(text, 'label_map') ?? Object.keys(map)) add(map[key], 'label_map');
  }
  return names;
}

/**
 * The keys of the object under `field` of a JSON document's top-level object, in the order the
 * text has them (a key given twice counts where it first stands; its value is the last, as in
 * Python); null when there is no such object. `text` must be valid JSON (JSON.parse said so).
 * One pass, a stack of the open brackets: O(length).
 */
function topLevelKeysOf(text: string, field: string): string[] | null {
  const open: string[] = []; // '{' or '['
  let keys: string[] | null = null;
  const seen = new Set<string>();
  let expectKey = false; // the next string is a key (just after '{', or after ',' in an object)
  let fieldNext = false; // the top-level key just read is `field`: its value comes next
  let inField = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (open.length === 1) fieldNext = key === field;
        else if (open.length === 2 && inField && !seen.has(key)) {
          seen.add(key);
          keys!.push(key);
        }
      }
      i = j;
      expectKey = false;
    } else if (c === '{' || c === '[') {
      if (open.length === 1 && fieldNext && c === '{') {
        inField = true;
        keys = [];
        seen.clear();
      }
      fieldNext = false;
      open.push(c);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
      if (open.length === 1) inField = false;
    } else if (c === ',') {
      expectKey = open[open.length - 1] === '{';
      if (open.length === 1) fieldNext = false;
    } else if (open.length === 1 && (c === 'n' || c === 't' || c === 'f' || c === '-' || (c >= '0' && c <= '9'))) {
      fieldNext = false; // a scalar value at the top level (e.g. "label_map": null): not the object
    }
  }
  return keys;
}

/**
 * dataset_meta.json as Datumaro's `save_meta_file` writes it for label-only datasets: the names
 * in a `labels` list, indented by 2, no newline at the end (its `dump_json_file`).
 */
export function datasetMetaBytes(labels: LabelCategories | readonly string[]): Uint8Array {
  const names = labels instanceof LabelCategories ? labels.items.map((l) => l.name) : labels;
  return utf8Bytes(JSON.stringify({ labels: names }, null, 2));
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
