/**
 * The binary-version importer: label-name files -> label categories (CIFAR-100: fine names with
 * their superclass as parent), each `.bin` file -> a subset of items with HWC RGB media.
 *
 * Per subset the pixels end up in one contiguous buffer: the record's pixel runs are packed
 * together (in the file's own buffer when it is ours, else in one fresh buffer), then turned
 * from CHW to HWC in place by the pixel kernels, as the Python-version importer does.
 */
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import { Image } from '../../image/image.js';
import { CifarkitError, DatasetImportError, ErrorCode, importErrors } from '../../errors.js';
import { CIFAR10_LABELS } from '../cifar/constants.js';
import { chwToHwcInPlace } from '../../image/block.js';
import { decodeUtf8 } from '../common.js';
import type { DatasetSource, FileTree } from '../../sources/file-tree.js';
import type { ImportedDataset } from '../format.js';
import { COARSE_NAMES_FILE, FINE_NAMES_FILE, IMAGE_SIZE, META_10_FILE, PIXEL_BYTES, RECORD_10, RECORD_100 } from './constants.js';
import { findBinaryLayout, subsetOf, type BinaryLayout } from './layout.js';

const invalid = importErrors(ErrorCode.CIFAR_BINARY_INVALID);

/**
 * A label-names file: one name a line (LF or CRLF), spaces around a name dropped, empty lines at
 * the end ignored (the official files end with one). An empty line before the last name, or a
 * name given twice, would shift or merge label indices: refused.
 */
export function parseNamesFile(bytes: Uint8Array, file: string): string[] {
  const lines = decodeUtf8(bytes, file, ErrorCode.CIFAR_BINARY_INVALID)
    .split('\n')
    .map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const seen = new Set<string>();
  lines.forEach((name, i) => {
    if (name === '') throw invalid(file, `line ${i + 1} is empty: every line before the last name must name a label`);
    if (seen.has(name)) throw invalid(file, `label name '${name}' is on two lines (the second on line ${i + 1})`);
    seen.add(name);
  });
  return lines;
}

interface Categories {
  labels: LabelCategories;
  /** CIFAR-100 superclass names. */
  coarse: string[] | null;
}

async function readNames(tree: FileTree, path: string): Promise<string[]> {
  return parseNamesFile(await tree.read(path), tree.display(path));
}

async function loadCategories(tree: FileTree, layout: BinaryLayout, version: 10 | 100): Promise<Categories> {
  const { names } = layout;
  if (version === 10) {
    return { labels: LabelCategories.fromIterable(names.meta10 ? await readNames(tree, names.meta10) : CIFAR10_LABELS), coarse: null };
  }
  const where = tree.display(layout.root) || tree.label;
  if (!names.fine || !names.coarse) {
    throw new DatasetImportError(
      ErrorCode.CIFAR_BINARY_INVALID,
      `CIFAR-100 records (2 label bytes) need '${FINE_NAMES_FILE}' and '${COARSE_NAMES_FILE}' beside them; '${names.fine ? COARSE_NAMES_FILE : FINE_NAMES_FILE}' is missing`,
      { file: where },
    );
  }
  return { labels: LabelCategories.fromIterable(await readNames(tree, names.fine)), coarse: await readNames(tree, names.coarse) };
}

/** A file's bytes, and whether they are ours to change (read into our own buffer: files on disk). */
async function readOwned(tree: FileTree, path: string): Promise<{ raw: Uint8Array; owned: boolean }> {
  let ours: Uint8Array | null = null;
  const raw = await tree.read(path, { into: (size) => (ours = new Uint8Array(size)) });
  return { raw, owned: ours !== null && raw.buffer === (ours as Uint8Array).buffer };
}

function recordCount(length: number, record: number, file: string): number {
  if (length % record !== 0) {
    throw invalid(
      file,
      `${length} bytes is not a whole number of ${record}-byte records (${Math.floor(length / record)} records and ${length % record} bytes over): ` +
        `the file is truncated or not ${record === RECORD_10 ? 'CIFAR-10 (1 label byte + 3072 pixel bytes)' : 'CIFAR-100 (2 label bytes + 3072 pixel bytes)'}`,
    );
  }
  return length / record;
}

/** The version of a lone `.bin` file without label-name files: told by its length. */
function versionByLength(length: number, file: string): 10 | 100 {
  if (length % RECORD_10 === 0) return 10;
  if (length % RECORD_100 === 0) return 100;
  throw invalid(file, `${length} bytes is a whole number of neither CIFAR-10 (${RECORD_10}-byte) nor CIFAR-100 (${RECORD_100}-byte) records`);
}

function importBatch(raw: Uint8Array, owned: boolean, file: string, subset: string, version: 10 | 100, cats: Categories): DatasetItem[] {
  const record = version === 10 ? RECORD_10 : RECORD_100;
  const labelBytes = record - PIXEL_BYTES;
  const count = recordCount(raw.length, record, file);
  const fine = new Uint8Array(count);
  const coarse = version === 100 ? new Uint8Array(count) : null;
  for (let i = 0; i < count; i++) {
    fine[i] = raw[i * record + labelBytes - 1]!;
    if (coarse) coarse[i] = raw[i * record]!;
  }
  // Pack the pixel runs: record i's pixels move left by (i + 1) * labelBytes, so in ascending
  // order no run overwrites one not yet moved.
  let chw: Uint8Array;
  if (owned) {
    for (let i = 0; i < count; i++) raw.copyWithin(i * PIXEL_BYTES, i * record + labelBytes, (i + 1) * record);
    chw = raw.subarray(0, count * PIXEL_BYTES);
  } else {
    chw = new Uint8Array(count * PIXEL_BYTES);
    for (let i = 0; i < count; i++) chw.set(raw.subarray(i * record + labelBytes, (i + 1) * record), i * PIXEL_BYTES);
  }
  chwToHwcInPlace(chw, IMAGE_SIZE * IMAGE_SIZE, count, false);

  const categories = cats.labels.items;
  const items: DatasetItem[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = String(i);
    const label = fine[i]!;
    if (label >= categories.length) {
      throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${label} is not an index into the ${categories.length} label names`, {
        file,
        index: i,
        item: id,
        field: version === 100 ? 'fine label' : 'label',
      });
    }
    if (coarse && cats.coarse) {
      const parent = coarse[i]!;
      if (parent >= cats.coarse.length) {
        throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `coarse label ${parent} is not an index into the ${cats.coarse.length} coarse label names`, {
          file,
          index: i,
          item: id,
          field: 'coarse label',
        });
      }
      const category = categories[label]!;
      if (category.parent === '') cats.labels.setParent(label, cats.coarse[parent]!);
    }
    const media = new Image(chw.subarray(i * PIXEL_BYTES, (i + 1) * PIXEL_BYTES), IMAGE_SIZE, IMAGE_SIZE, 3);
    items[i] = new DatasetItem({ id, subset, media, annotations: [new Label(label)] });
  }
  return items;
}

export async function importCifarBinary(source: DatasetSource): Promise<ImportedDataset> {
  const { tree } = source;
  const layout = await findBinaryLayout(source);
  if (!layout) {
    throw new DatasetImportError(
      ErrorCode.FORMAT_NOT_DETECTED,
      `no binary-version CIFAR found: a folder with '${META_10_FILE}' or '${FINE_NAMES_FILE}' and .bin files, or a .bin file`,
      { file: tree.display(source.start) || tree.label },
    );
  }
  let cats: Categories | null = layout.version ? await loadCategories(tree, layout, layout.version) : null;
  const items: DatasetItem[] = [];
  const subsets: string[] = [];
  for (const path of layout.batches) {
    const file = tree.display(path);
    let batch: DatasetItem[];
    try {
      const { raw, owned } = await readOwned(tree, path);
      const version = layout.version ?? versionByLength(raw.length, file);
      cats ??= await loadCategories(tree, layout, version);
      batch = importBatch(raw, owned, file, subsetOf(path), version, cats);
    } catch (err) {
      if (err instanceof CifarkitError) throw err.withLocation({ file });
      throw new DatasetImportError(ErrorCode.CIFAR_BINARY_INVALID, `unexpected content: ${String(err)}`, { file, cause: err });
    }
    for (const item of batch) items.push(item);
    subsets.push(subsetOf(path));
  }
  return { labels: cats!.labels, items, subsets };
}
