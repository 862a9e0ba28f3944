/**
 * MNIST idx files (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"):
 * big-endian headers, then unsigned bytes.
 *   labels (idx1): magic 0x00000801, count, then count labels.
 *   images (idx3): magic 0x00000803, count, rows, cols, then count*rows*cols pixels (row-major).
 * Files are `<prefix>-labels-idx1-ubyte` and `<prefix>-images-idx3-ubyte`, plain or gzipped
 * (`.gz`); the prefix is the subset name, `t10k` for 'test'. Datumaro
 * (plugins/data_formats/mnist.py) adds `labels.txt` (label names), `dataset_meta.json`, and
 * `<subset>-meta.gz` (item ids and/or image sizes, as a numpy '<U32' array).
 */
import { gunzipLimited } from '../../archive/gzip.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { DecodeBudget } from '../../limits.js';
import { basename, dirname, joinPath, type DatasetSource, type FileTree } from '../../sources/file-tree.js';

export const LABELS_MAGIC = 0x00000801;
export const IMAGES_MAGIC = 0x00000803;
/** The label value of an unlabelled item (Datumaro's MnistPath.NONE_LABEL). */
export const NONE_LABEL = 255;
/** The image size Datumaro assumes when `<subset>-meta.gz` gives none. */
export const IMAGE_SIZE = 28;
export const LABELS_SUFFIX = '-labels-idx1-ubyte';
export const IMAGES_SUFFIX = '-images-idx3-ubyte';
export const META_SUFFIX = '-meta';
export const GZ = '.gz';
export const LABEL_NAMES_FILE = 'labels.txt';
/** The file prefix of the subset 'test' in the original files. */
export const TEST_PREFIX = 't10k';
/** How many folder levels below the given path the files are searched for (as Datumaro). */
export const MAX_SEARCH_DEPTH = 3;
/** Characters per string in Datumaro's meta file (numpy dtype '<U32': UTF-32LE, NUL-padded). */
export const META_CHARS = 32;

const LABELS_FILE_RE = /^(.+)-labels-idx1-ubyte(\.gz)?$/;

/** The subset a file prefix stands for: 't10k' is 'test'. */
export function subsetOfPrefix(prefix: string): string {
  return prefix === TEST_PREFIX ? 'test' : prefix;
}

/** The file prefix of a subset. */
export function prefixOfSubset(subset: string): string {
  return subset === 'test' ? TEST_PREFIX : subset;
}

export interface MnistSubsetFiles {
  subset: string;
  labels: string;
  images: string | null;
  meta: string | null;
}

export interface MnistLayout {
  root: string;
  subsets: MnistSubsetFiles[];
}

function labelFilePrefix(name: string): string | null {
  return LABELS_FILE_RE.exec(name)?.[1] ?? null;
}

/** The plain file if present, else the gzipped one, else null. */
async function plainOrGz(tree: FileTree, path: string): Promise<string | null> {
  if ((await tree.kind(path)) === 'file') return path;
  if ((await tree.kind(path + GZ)) === 'file') return path + GZ;
  return null;
}

async function subsetFiles(tree: FileTree, dir: string, labelFiles: string[]): Promise<MnistSubsetFiles[]> {
  const byPrefix = new Map<string, string>();
  for (const name of labelFiles) {
    const prefix = labelFilePrefix(name)!;
    // Both `x` and `x.gz` (torchvision keeps both): read the plain one.
    if (!byPrefix.has(prefix) || !name.endsWith(GZ)) byPrefix.set(prefix, name);
  }
  const bySubset = new Map<string, MnistSubsetFiles>();
  for (const [prefix, name] of byPrefix) {
    const subset = subsetOfPrefix(prefix);
    const other = bySubset.get(subset);
    if (other) {
      throw new DatasetImportError(ErrorCode.IDX_INVALID, `both '${basename(other.labels)}' and '${name}' hold the labels of subset '${subset}'`, {
        file: tree.display(dir) || tree.label,
      });
    }
    bySubset.set(subset, {
      subset,
      labels: joinPath(dir, name),
      images: await plainOrGz(tree, joinPath(dir, prefix + IMAGES_SUFFIX)),
      meta: await plainOrGz(tree, joinPath(dir, subset + META_SUFFIX)),
    });
  }
  return [...bySubset.values()].sort((a, b) => (a.subset < b.subset ? -1 : a.subset > b.subset ? 1 : 0));
}

async function labelFilesIn(tree: FileTree, dir: string): Promise<string[]> {
  return (await tree.list(dir)).filter((e) => e.kind === 'file' && labelFilePrefix(e.name) !== null).map((e) => e.name);
}

/**
 * The folders holding MNIST label files: the start folder, else the nearest ones below it
 * (down to MAX_SEARCH_DEPTH levels). A label file given as the start is that subset alone.
 */
export async function findMnistRoots({ tree, start }: DatasetSource): Promise<{ dir: string; files: string[] }[]> {
  const kind = await tree.kind(start);
  if (kind === 'file') return labelFilePrefix(basename(start)) !== null ? [{ dir: dirname(start), files: [basename(start)] }] : [];
  if (kind !== 'dir') return [];
  const roots: { dir: string; files: string[] }[] = [];
  let level = [start];
  for (let depth = 0; depth <= MAX_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      const files = await labelFilesIn(tree, dir);
      if (files.length > 0) {
        roots.push({ dir, files });
        continue;
      }
      for (const e of await tree.list(dir)) if (e.kind === 'dir' && !e.name.startsWith('.')) next.push(joinPath(dir, e.name));
    }
    level = next;
  }
  return roots;
}

/** The one MNIST dataset at a source; null when there is none, an error when there are several. */
export async function findMnistLayout(source: DatasetSource): Promise<MnistLayout | null> {
  const roots = await findMnistRoots(source);
  if (roots.length === 0) return null;
  const { tree } = source;
  if (roots.length > 1) {
    throw new DatasetImportError(
      ErrorCode.AMBIGUOUS_ROOT,
      `found ${roots.length} MNIST datasets (${roots.map((r) => tree.display(r.dir) || '.').join(', ')}); pass the folder of one of them`,
      { file: tree.display(source.start) || tree.label },
    );
  }
  const { dir, files } = roots[0]!;
  return { root: dir, subsets: await subsetFiles(tree, dir, files) };
}

function idxError(file: string, detail: string, cause?: unknown): DatasetImportError {
  return new DatasetImportError(ErrorCode.IDX_INVALID, detail, { file, cause });
}

/** The bytes of a file, gunzipped when they start with the gzip magic (whatever the name says). */
export function maybeGunzip(bytes: Uint8Array, file: string, budget: DecodeBudget = new DecodeBudget()): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // Counted by the import's budget as it inflates: one limit over all the .gz files of an
      // import, however many subsets (and archives) hold them.
      return gunzipLimited(bytes, file, budget.limits.maxTotalBytes, (n) => budget.inflate(n, file));
    } catch (err) {
      if (err instanceof CifarkitError && (err.code === ErrorCode.ARCHIVE_TOO_LARGE || err.code === ErrorCode.IMPORT_TOO_LARGE)) throw err;
      throw idxError(file, `not valid gzip data: ${(err as CifarkitError).detail ?? (err as Error).message}`, err);
    }
  }
  return bytes;
}

function magicName(magic: number): string {
  return magic === LABELS_MAGIC ? 'labels (idx1)' : magic === IMAGES_MAGIC ? 'images (idx3)' : 'unknown';
}

function checkMagic(view: DataView, expected: number, file: string): void {
  const magic = view.getUint32(0);
  if (magic !== expected) {
    const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
    throw idxError(file, `magic number ${hex(magic)} (${magicName(magic)}) is not ${hex(expected)}, the ${magicName(expected)} magic`);
  }
}

/** An idx1 labels file: one byte per item. Its length must match the count in its header. */
export function parseLabelsFile(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 8) throw idxError(file, `${bytes.length} bytes is shorter than the 8-byte idx1 header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkMagic(view, LABELS_MAGIC, file);
  const count = view.getUint32(4);
  const payload = bytes.length - 8;
  if (payload !== count) {
    throw idxError(file, `the header says ${count} labels but the file holds ${payload}${payload < count ? ' (truncated)' : ''}`);
  }
  return bytes.subarray(8);
}

export interface IdxImages {
  /** The count field: images (standard), or pixels in files Datumaro wrote. */
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** An idx3 images file's header and pixel bytes; how they split into images is the caller's (sizes may come from meta). */
export function parseImagesFile(bytes: Uint8Array, file: string): IdxImages {
  if (bytes.length < 16) throw idxError(file, `${bytes.length} bytes is shorter than the 16-byte idx3 header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkMagic(view, IMAGES_MAGIC, file);
  return { count: view.getUint32(4), rows: view.getUint32(8), cols: view.getUint32(12), pixels: bytes.subarray(16) };
}

/** Datumaro's `<subset>-meta.gz`: a (items, k) numpy '<U32' array; rows [id], [h, w] or [id, h, w]. */
export function parseMetaFile(bytes: Uint8Array, items: number, file: string): string[][] {
  const width = META_CHARS * 4;
  if (bytes.length % width !== 0) throw idxError(file, `${bytes.length} bytes is not a whole number of ${META_CHARS}-character strings`);
  const strings = bytes.length / width;
  if (items === 0) return [];
  const k = strings / items;
  if (![1, 2, 3].includes(k)) throw idxError(file, `${strings} strings for ${items} items: expected 1, 2 or 3 per item (id, height and width)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[][] = [];
  for (let i = 0; i < items; i++) {
    const row: string[] = [];
    for (let j = 0; j < k; j++) {
      const base = (i * k + j) * width;
      const codes: number[] = [];
      for (let c = 0; c < META_CHARS; c++) codes.push(view.getUint32(base + 4 * c, true));
      while (codes.length > 0 && codes[codes.length - 1] === 0) codes.pop(); // numpy drops trailing NULs
      if (codes.some((c) => c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))) throw idxError(file, `string ${i * k + j} is not valid UTF-32`);
      row.push(String.fromCodePoint(...codes)); // spread-ok: at most META_CHARS code points
    }
    out.push(row);
  }
  return out;
}

/** Encodes strings as a numpy '<U32' array (each must have at most 32 code points). */
export function metaBytes(rows: string[][]): Uint8Array {
  const width = META_CHARS * 4;
  const flat = rows.flat();
  const out = new Uint8Array(flat.length * width);
  const view = new DataView(out.buffer);
  flat.forEach((s, i) => {
    let c = 0;
    for (const ch of s) view.setUint32(i * width + 4 * c++, ch.codePointAt(0)!, true);
  });
  return out;
}

export function labelsFileBytes(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, LABELS_MAGIC);
  view.setUint32(4, labels.length);
  out.set(labels, 8);
  return out;
}

export function imagesFileHeader(count: number, rows: number, cols: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, IMAGES_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  return out;
}

/**
 * Gray value of an RGB pixel: ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B, rounded half
 * up. Computed exactly in integers: floor((299 R + 587 G + 114 B + 500) / 1000).
 */
export function luma(r: number, g: number, b: number): number {
  return Math.floor((299 * r + 587 * g + 114 * b + 500) / 1000);
}
