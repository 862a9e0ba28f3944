/**
 * The CIFAR importer: meta file -> label categories, each subset file -> items with HWC RGB media.
 *
 * Accepts what real producers write (see FORMAT-NOTES.md): the original Python 2 pickles,
 * Python 3 protocols 0-5 with numpy 1 or 2, and Datumaro's exports (object arrays, per-image
 * arrays with `image_sizes`, `None` labels and images, empty data when media was not saved).
 *
 * Kept for a re-export (`infos`): the meta's `coarse_label_names`, `num_cases_per_batch` and
 * `num_vis`, and each batch's `batch_label`. Tolerated with a warning: a batch that names a file
 * twice (every item is kept, the later ones renamed), fine labels with two coarse labels.
 */
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import { Image } from '../../image/image.js';
import { PixelBlock } from '../../image/block.js';
import { ColumnarSubset, LazyIds } from '../../model/columns.js';
import { kernels } from '../../kernels/pixels.js';
import { NdArray, ndarrayToList, ndarrayToUint8, objectsToUint8 } from '../../pickle/ndarray.js';
import { readPickle } from '../../pickle/reader.js';
import { dictGet, isBytes, isDict, isTextLike, pyText, pyTexts, pyTypeName, type PyDict, type PyValue } from '../../pickle/values.js';
import { DecodeBudget, type ImportLimits } from '../../limits.js';
import { basename, budgetOf, extensionStart, joinPath, splitExt, type DatasetSource, type FileTree, type MemberPrepare } from '../../sources/file-tree.js';
import type { FormatImportOptions, ImportedDataset } from '../format.js';
import type { ChannelOrder } from '../../model/view.js';
import { WarningCode, type ImportWarning } from '../../warnings.js';
import { CIFAR10_LABELS, IMAGE_SIZE } from './constants.js';
import { DATASET_META_FILE, parseDatasetMeta } from '../common.js';
import { findLayout, type CifarLayout } from './layout.js';

interface Categories {
  labels: LabelCategories;
  /** CIFAR-100 superclass names, when the meta file has them. */
  coarse: string[] | null;
  /** The meta file's other fields a re-export writes back (`num_cases_per_batch`, `num_vis`). */
  metaInfos: Record<string, number>;
}

/** Meta fields kept as they are when they hold a non-negative integer. */
const KEPT_META_NUMBERS = ['num_cases_per_batch', 'num_vis'] as const;

/** What one subset file gives: columns (a block of equal images, or none) or, for other layouts, items. */
interface SubsetResult {
  items: ColumnarSubset | DatasetItem[];
  /** Its `batch_label`, when it has a text one. */
  batchLabel: string | null;
  /** Whether the file's read buffer became the subset's pixels (nothing of it is garbage). */
  keptBuffer: boolean;
}

async function readDict(tree: FileTree, path: string, budget: DecodeBudget): Promise<PyDict> {
  return readPickleDict(await tree.read(path), tree.display(path), budget);
}

function readPickleDict(bytes: Uint8Array, file: string, budget: DecodeBudget): PyDict {
  const value = readPickle(bytes, { file, budget });
  if (!isDict(value)) {
    throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected a pickled dict, found a ${pyTypeName(value)}`, { file });
  }
  return value;
}

/** A batch unpickled while its archive was still inflating (see `cifarMemberPreparer`). */
class PreparedBatch {
  constructor(
    /** The member's bytes, as the tree hands them over. */
    readonly bytes: Uint8Array,
    readonly dict: PyDict,
    /** What the read charged to its decode budget (the values it made, the bytes it built). */
    readonly decoded: number,
  ) {}
}

/** File names of CIFAR batches (subset files): what `cifarMemberPreparer` unpickles. */
const BATCH_FILE_NAME = /^(data_batch_\d+|test_batch|train|test)$/;

/**
 * The archive members' work for a CIFAR import (`archiveSource`'s `prepareMember`): a member named
 * like a batch is unpickled as soon as it is in, while the rest of the archive inflates (the
 * inflater works on other threads meanwhile), instead of after the whole archive. The import
 * charges what each read took to its own budget when it uses the dict (`preparedDict`). A batch
 * that fails to read, or does not fit this budget, is dropped here, and so is every later one:
 * the import reads them (and reports what is wrong with them).
 */
export function cifarMemberPreparer(limits: ImportLimits): MemberPrepare {
  // One budget for all of the archive's batches, of no input bytes (maxDecodedBytes alone): what
  // these reads hold before the import takes them stays within one decode budget, which the
  // README's memory bound counts (its factor 2).
  const budget = new DecodeBudget({ ...limits, decodedBytesPerInputByte: 0 });
  // After a read fails (a batch over this budget, e.g. Datumaro's object arrays, or a bad one)
  // the rest are read by the import only: at most one read is wasted.
  let failed = false;
  return (path, data, archive) => {
    if (failed || !BATCH_FILE_NAME.test(basename(path))) return undefined;
    const before = budget.decoded;
    try {
      return new PreparedBatch(data, readPickleDict(data, `${archive}/${path}`, budget), budget.decoded - before);
    } catch (err) {
      failed = true;
      throw err;
    }
  };
}

/** The dict unpickled while the archive inflated, when it is of these bytes and fits the import's budget; else null. */
function preparedDict(tree: FileTree, path: string, raw: Uint8Array, budget: DecodeBudget, file: string): PyDict | null {
  const made = tree.prepared?.(path);
  if (!(made instanceof PreparedBatch) || made.bytes !== raw) return null;
  // Over the budget: read again, so that the error is the one reading it gives.
  if (budget.decoded + made.decoded > budget.allowance) return null;
  budget.decode(made.decoded, 'the values the pickle made', file);
  return made.dict;
}

/** A list-like field (list, tuple or 1-D ndarray) as an array, or null when absent/None. */
function listField(dict: PyDict, field: string, file: string): PyValue[] | null {
  const v = dictGet(dict, field);
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v;
  if (v instanceof NdArray && v.shape.length === 1) return ndarrayToList(v);
  throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected a list, found a ${pyTypeName(v)}`, { file, field });
}

function textList(values: PyValue[], file: string, field: string): string[] {
  for (let index = 0; index < values.length; index++) {
    const v = values[index];
    if (!isTextLike(v)) throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected a string, found a ${pyTypeName(v)}`, { file, field, index });
  }
  return pyTexts(values as (string | Uint8Array)[]);
}

function categoriesFrom(names: string[], file: string, field: string): LabelCategories {
  const cats = new LabelCategories();
  names.forEach((name, index) => {
    if (cats.find(name) >= 0) throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `label name '${name}' appears twice`, { file, field, index });
    cats.add(name);
  });
  return cats;
}

async function loadCategories(tree: FileTree, layout: CifarLayout, budget: DecodeBudget): Promise<Categories> {
  let names: string[] | null = null;
  let namesFile = '';
  let coarse: string[] | null = null;
  const metaInfos: Record<string, number> = {};
  if (layout.meta) {
    const file = tree.display(layout.meta);
    const meta = await readDict(tree, layout.meta, budget);
    for (const field of KEPT_META_NUMBERS) {
      const v = dictGet(meta, field);
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) metaInfos[field] = v;
    }
    const cifar10 = listField(meta, 'label_names', file);
    const fine = listField(meta, 'fine_label_names', file);
    const coarseNames = listField(meta, 'coarse_label_names', file);
    if (cifar10) [names, namesFile] = [textList(cifar10, file, 'label_names'), 'label_names'];
    else if (fine) [names, namesFile] = [textList(fine, file, 'fine_label_names'), 'fine_label_names'];
    if (coarseNames) coarse = textList(coarseNames, file, 'coarse_label_names');
    if (!names) {
      throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, "the meta file has neither 'label_names' nor 'fine_label_names'", { file });
    }
    namesFile = `${file}|${namesFile}`;
  }
  const jsonPath = joinPath(layout.root, DATASET_META_FILE);
  if ((await tree.kind(jsonPath)) === 'file') {
    const file = tree.display(jsonPath);
    names = parseDatasetMeta(await tree.read(jsonPath), file);
    namesFile = `${file}|labels`;
  }
  if (!names) return { labels: LabelCategories.fromIterable(CIFAR10_LABELS), coarse, metaInfos };
  const [file, field] = namesFile.split('|') as [string, string];
  return { labels: categoriesFrom(names, file, field), coarse, metaInfos };
}

interface Pixels {
  /** Per item: CHW bytes and size, or null for an item without an image. */
  images: ({ chw: Uint8Array; height: number; width: number } | null)[];
  /** Set when every image is a row of one C-ordered block of equal sizes: converted in one kernel call. */
  block: Uint8Array | null;
}

/** The size record shared by all rows of a block of 32x32 images (its `chw` only gives the row length). */
const BLOCK_ROW = { chw: new Uint8Array(3 * IMAGE_SIZE * IMAGE_SIZE), height: IMAGE_SIZE, width: IMAGE_SIZE };

function parseSizes(dict: PyDict, file: string): [number, number][] | null {
  const v = dictGet(dict, 'image_sizes');
  if (v === undefined || v === null) return null;
  let pairs: PyValue[];
  if (v instanceof NdArray && v.shape.length === 2 && v.shape[1] === 2) {
    const flat = ndarrayToList(v);
    pairs = Array.from({ length: v.shape[0]! }, (_, i) => [flat[2 * i]!, flat[2 * i + 1]!]);
  } else if (Array.isArray(v)) pairs = v;
  else throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected a list of (height, width), found a ${pyTypeName(v)}`, { file, field: 'image_sizes' });
  return pairs.map((p, index) => {
    const ok = Array.isArray(p) && p.length === 2 && p.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
    if (!ok) throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, 'expected a (height, width) pair of non-negative integers', { file, field: 'image_sizes', index });
    return p as [number, number];
  });
}

/** The image of one item from a per-image element (ndarray, bytes, list of ints, or None). */
function elementBytes(v: PyValue): Uint8Array | null {
  if (v === null) return null;
  if (v instanceof NdArray) return ndarrayToUint8(v);
  if (isBytes(v)) return v;
  if (Array.isArray(v)) return objectsToUint8(v);
  throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected an image array or None, found a ${pyTypeName(v)}`);
}

function parsePixels(dict: PyDict, file: string, count: number, ids: (i: number) => string, budget: DecodeBudget): Pixels | null {
  const data = dictGet(dict, 'data');
  if (data === undefined || data === null) return null;
  const sizes = parseSizes(dict, file);
  const sizeOf = (i: number): [number, number] => sizes?.[i] ?? [IMAGE_SIZE, IMAGE_SIZE];

  let rows: number;
  let rowBytes: ((i: number) => Uint8Array | null) | null = null;
  let block: Uint8Array | null = null;
  let rowLen = 0;
  if (data instanceof NdArray) {
    rows = data.size === 0 ? 0 : data.length;
    if (rows > 0) {
      if (data.dtype.kind === 'O' && data.shape.length === 1) {
        const objects = data.objects!;
        rowBytes = (i) => elementBytes(objects[i]!);
      } else if (data.shape.length >= 2) {
        try {
          block = ndarrayToUint8(data);
        } catch (err) {
          throw err instanceof CifarkitError ? err.withLocation({ file, field: 'data' }) : err;
        }
        rowLen = block.length / rows;
      } else {
        throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `a ${data.dtype.name} array of shape (${data.shape}) holds no images`, { file, field: 'data' });
      }
    }
  } else if (Array.isArray(data)) {
    rows = data.length;
    rowBytes = (i) => elementBytes(data[i]!);
  } else {
    throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `expected a numpy array, found a ${pyTypeName(data)}`, { file, field: 'data' });
  }
  if (rows === 0) return null;
  if (rows !== count) {
    throw new DatasetImportError(ErrorCode.CIFAR_LENGTH_MISMATCH, `'data' holds ${rows} images but 'filenames'/'labels' have ${count} entries`, { file, field: 'data' });
  }
  if (sizes && sizes.length !== rows) {
    throw new DatasetImportError(ErrorCode.CIFAR_LENGTH_MISMATCH, `'image_sizes' has ${sizes.length} entries but 'data' holds ${rows} images`, { file, field: 'image_sizes' });
  }
  if (block && !sizes) {
    // The common case (every CIFAR producer without image_sizes): rows of 32x32 images in one
    // block. One shared size record, no per-row views: they would be 60,000 objects of garbage.
    if (rowLen !== 3 * IMAGE_SIZE * IMAGE_SIZE) {
      throw new DatasetImportError(
        ErrorCode.CIFAR_IMAGE_SIZE_MISMATCH,
        `the image has ${rowLen} bytes but its size ${IMAGE_SIZE}x${IMAGE_SIZE} needs 3*${IMAGE_SIZE}*${IMAGE_SIZE} = ${3 * IMAGE_SIZE * IMAGE_SIZE}`,
        { file, index: 0, item: ids(0), field: 'data' },
      );
    }
    return { images: new Array(rows).fill(BLOCK_ROW), block };
  }
  const images: Pixels['images'] = new Array(rows);
  let uniform = block !== null;
  for (let i = 0; i < rows; i++) {
    let chw: Uint8Array | null;
    try {
      chw = block ? block.subarray(i * rowLen, (i + 1) * rowLen) : rowBytes!(i);
      // A row may be a conversion (another dtype or order), and memo references can repeat one
      // array without limit: each row counts.
      if (!block && chw) budget.decode(chw.length, 'an image', file);
    } catch (err) {
      if (err instanceof CifarkitError) throw err.withLocation({ file, index: i, item: ids(i), field: 'data' });
      throw err;
    }
    if (chw === null) {
      images[i] = null;
      continue;
    }
    const [height, width] = sizeOf(i);
    if (chw.length !== 3 * height * width) {
      throw new DatasetImportError(
        ErrorCode.CIFAR_IMAGE_SIZE_MISMATCH,
        `the image has ${chw.length} bytes but its size ${height}x${width} needs 3*${height}*${width} = ${3 * height * width}`,
        { file, index: i, item: ids(i), field: 'data' },
      );
    }
    if (i > 0 && images[0] && (images[0].height !== height || images[0].width !== width)) uniform = false;
    images[i] = { chw, height, width };
  }
  return { images, block: uniform ? block : null };
}

/** A batch file's bytes, and whether they are ours to change (see {@link readSubset}). */
interface SubsetBytes {
  raw: Uint8Array;
  owned: boolean;
}

/**
 * Reads a batch file into a buffer of our own when the tree can (files on disk): then the pixel
 * block, a view of it, may be transposed in place and become the subset's HWC buffer. A tree's
 * own bytes (an in-memory file is the caller's Uint8Array) are never written to.
 */
async function readSubset(tree: FileTree, path: string): Promise<SubsetBytes> {
  let ours: Uint8Array | null = null;
  const raw = await tree.read(path, { into: (size) => (ours = new Uint8Array(size)) });
  return { raw, owned: tree.handsOver === true || (ours !== null && raw.buffer === (ours as Uint8Array).buffer) };
}

/**
 * Batch files read ahead of the one being decoded. On disk a read, and the page faults of its
 * fresh buffer, run on libuv's threads while this thread parses and transposes: a full CIFAR-10
 * import took a median 374 instead of 463 ms in alternating runs (waiting for reads: ~90 instead
 * of ~190 ms); reading all six ahead gained little more then.
 * With the columnar import (no transposition, no items) the reads are most of the import, so when
 * the first file's buffer became its subset's pixels (the Python 2 layout and numpy's uint8
 * arrays: then reading ahead costs no memory) every other file is read at once (two reads in
 * flight: a median ~170 instead of ~190 ms). In layouts whose files are garbage once decoded
 * (Datumaro's object arrays) it holds at most this many extra files.
 */
const READ_AHEAD = 2;

/**
 * Item ids for a subset's file names, every one unique: the first item with a name keeps its id;
 * the n-th (n >= 2) gets `<id>_<n>`, or the next free `<id>_<k>` (k > n) when the file already
 * has an item of that id. Datumaro keeps only one of them (the later item at the first's place).
 */
function uniqueIds(ids: string[], file: string, subset: string, filenames: string[] | null, warnings: ImportWarning[]): string[] {
  const taken = new Set(ids);
  if (taken.size === ids.length) return ids;
  // last: the k given last for this id. Every k between the count and it is taken, so the
  // search starts after it: linear however many names are taken (no quadratic walk).
  const seen = new Map<string, { count: number; first: number; last: number }>();
  return ids.map((id, index) => {
    const prior = seen.get(id);
    if (!prior) {
      seen.set(id, { count: 1, first: index, last: 1 });
      return id;
    }
    prior.count++;
    let k = Math.max(prior.count, prior.last + 1);
    while (taken.has(`${id}_${k}`)) k++;
    prior.last = k;
    const renamedTo = `${id}_${k}`;
    taken.add(renamedTo);
    const name = filenames ? `file name '${filenames[index]}'` : `id '${id}'`;
    warnings.push({
      code: WarningCode.DUPLICATE_ITEM_ID,
      message: `${file}: item ${index}: ${name} gives the id '${id}' of item ${prior.first} again; kept as '${renamedTo}'`,
      file,
      subset,
      index,
      item: id,
      renamedTo,
    });
    return renamedTo;
  });
}

/**
 * Item ids and extensions of file names (`splitExt`), with one extension string for all when
 * they share it (every CIFAR batch: '.png'): no pair per name, no 10,000 copies of '.png'.
 */
function splitNames(names: readonly string[]): { ids: string[]; exts: string | string[] } {
  const ids: string[] = new Array(names.length);
  let exts: string | string[] | null = null;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    // The extension of the name before is likely this one's too: that string is reused.
    let ext: string;
    if (typeof exts === 'string' && exts !== '' && name.length > exts.length && name.endsWith(exts) && extensionStart(name) === name.length - exts.length) {
      ext = exts;
      ids[i] = name.slice(0, name.length - ext.length);
    } else {
      const pair = splitExt(name);
      ids[i] = pair[0];
      ext = pair[1];
    }
    if (exts === null) exts = ext;
    else if (typeof exts === 'string' && ext !== exts) {
      const first = exts;
      exts = new Array<string>(names.length);
      for (let k = 0; k < i; k++) exts[k] = first;
    }
    if (typeof exts !== 'string') exts[i] = ext;
  }
  return { ids, exts: exts ?? '' };
}

/**
 * The ids of a batch's file names kept as bytes (`LazyIds`), when that gives what `splitNames`
 * and `uniqueIds` would: every name Python 2 bytes of ASCII without '\n' (so decoding is
 * `pyTexts`'), none empty, all with one extension (`splitExt` on the bytes), no id twice (a
 * hash table over the id bytes, given up for the strings path when names collide in it more
 * than chance would). One pass over the names, no string per name; null otherwise, and the
 * strings path decides (and reports) the rest. Exported for its tests.
 */
export function idsOfNameBytes(values: readonly PyValue[]): { ids: LazyIds; ext: string } | null {
  const count = values.length;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!(v instanceof Uint8Array) || v.length === 0) return null;
    total += v.length + 1;
  }
  const joined = new Uint8Array(total);
  const starts = new Int32Array(count + 1);
  let size = 16;
  while (size < 2 * count) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const mask = size - 1;
  // The hash has no secret seed, so names can be made to collide: past this many probes the
  // strings path (the runtime's seeded Set) takes the batch, instead of quadratic time here.
  let probes = 4 * count + 64;
  let ext: Uint8Array | null = null;
  let at = 0;
  for (let i = 0; i < count; i++) {
    const name = values[i] as Uint8Array;
    const n = name.length;
    // splitExt: the extension starts at the last '.' after the last '/', unless only dots lead to it.
    let slash = -1;
    let dot = -1;
    for (let k = 0; k < n; k++) {
      const b = name[k]!;
      if (b > 0x7f || b === 0x0a) return null;
      if (b === 0x2e) dot = k;
      else if (b === 0x2f) slash = k;
    }
    let idEnd = n;
    if (dot > slash + 1) {
      let k = slash + 1;
      while (k < dot && name[k] === 0x2e) k++;
      if (k < dot) idEnd = dot;
    }
    // One extension for every name (the first name's), else the strings path.
    if (ext === null) ext = name.subarray(idEnd);
    else {
      if (n - idEnd !== ext.length) return null;
      for (let k = 0; k < ext.length; k++) if (name[idEnd + k] !== ext[k]) return null;
    }
    // The id's bytes, and FNV-1a over them for the table.
    const start = at;
    let h = 0x811c9dc5;
    for (let k = 0; k < idEnd; k++) {
      const b = name[k]!;
      joined[at++] = b;
      h = Math.imul(h ^ b, 0x01000193);
    }
    joined[at++] = 0x0a;
    starts[i] = start;
    starts[i + 1] = at;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      if (--probes < 0) return null;
      const other = table[slot]!;
      if (other < 0) {
        table[slot] = i;
        break;
      }
      const from = starts[other]!;
      if (starts[other + 1]! - from !== at - start) continue;
      let same = true;
      for (let k = 0; k < idEnd; k++) {
        if (joined[from + k] !== joined[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return null; // an id given twice: the strings path renames and warns
    }
  }
  return { ids: new LazyIds(joined.subarray(0, at), count), ext: ext === null ? '' : pyText(ext) };
}

/** Decodes one subset file (its bytes as `readSubset` gives them) into items. */
async function importSubset(
  tree: FileTree,
  path: string,
  cats: Categories,
  bytes: Promise<SubsetBytes>,
  order: ChannelOrder,
  warnings: ImportWarning[],
  budget: DecodeBudget,
): Promise<SubsetResult> {
  const file = tree.display(path);
  const subset = basename(path);
  const { raw, owned } = await bytes;
  const dict = preparedDict(tree, path, raw, budget, file) ?? readPickleDict(raw, file, budget);

  let labels = listField(dict, 'labels', file);
  let labelsField = 'labels';
  if (!labels || labels.length === 0) {
    const fine = listField(dict, 'fine_labels', file);
    if (fine) [labels, labelsField] = [fine, 'fine_labels'];
  }
  const coarse = listField(dict, 'coarse_labels', file);
  const filenamesRaw = listField(dict, 'filenames', file);
  // Python 2 file names of ASCII, unique, of one extension (every CIFAR batch): ids kept as bytes.
  const byteIds = filenamesRaw ? idsOfNameBytes(filenamesRaw) : null;
  const filenames = filenamesRaw && !byteIds ? textList(filenamesRaw, file, 'filenames') : null;
  const names = byteIds ? byteIds.ids.length : filenames ? filenames.length : null;

  if (names !== null && labels && labels.length !== names) {
    throw new DatasetImportError(ErrorCode.CIFAR_LENGTH_MISMATCH, `'${labelsField}' has ${labels.length} entries but 'filenames' has ${names}`, {
      file,
      field: labelsField,
    });
  }
  const data = dictGet(dict, 'data');
  const dataRows = data instanceof NdArray ? (data.size === 0 ? 0 : data.length) : Array.isArray(data) ? data.length : 0;
  const count = names ?? labels?.length ?? dataRows;
  if (coarse && coarse.length > 0 && coarse.length !== count) {
    throw new DatasetImportError(ErrorCode.CIFAR_LENGTH_MISMATCH, `'coarse_labels' has ${coarse.length} entries but the batch has ${count} items`, {
      file,
      field: 'coarse_labels',
    });
  }
  budget.addItems(count, file);
  const split = filenames ? splitNames(filenames) : null;
  const ids = (i: number) => (byteIds ? byteIds.ids.all()[i]! : split ? split.ids[i]! : String(i));
  const pixels = parsePixels(dict, file, count, ids, budget);

  // A block of equal images that is ours to change (our read buffer, or a conversion) stays as
  // the file has it: transposed on the first HWC access (image/block.ts). One that is a view of
  // the caller's bytes is copied now, transposed as it is copied, never kept.
  const swapRB = order === 'bgr';
  const first = pixels?.images[0];
  let block: PixelBlock | null = null;
  let hwc: Uint8Array | null = null;
  if (pixels?.block) {
    const ownBlock = owned || pixels.block.buffer !== raw.buffer;
    const area = first!.height * first!.width;
    if (ownBlock) {
      block = new PixelBlock(pixels.block, count, first!.height, first!.width, swapRB, true);
    } else {
      budget.decode(pixels.block.length, 'the pixels of the subset', file);
      const copy = new Uint8Array(pixels.block.length);
      kernels().chwToHwc(pixels.block, copy, area, count, swapRB);
      block = new PixelBlock(copy, count, first!.height, first!.width, swapRB, true, false);
    }
  } else if (pixels) {
    // Images of several sizes (Datumaro's image_sizes) or some missing: one HWC buffer, items.
    let total = 0;
    for (const img of pixels.images) if (img) total += img.chw.length;
    budget.decode(total, 'the pixels of the subset', file);
    hwc = new Uint8Array(total);
    const k = kernels();
    let offset = 0;
    for (const img of pixels.images) {
      if (!img) continue;
      k.chwToHwc(img.chw, hwc.subarray(offset, offset + img.chw.length), img.height * img.width, 1, swapRB);
      offset += img.chw.length;
    }
  }

  let unique: string[] | LazyIds;
  if (byteIds) unique = byteIds.ids;
  else {
    const given: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      given[i] = ids(i);
      if (given[i] === '') throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, 'the file name gives an empty item id', { file, index: i, field: 'filenames' });
    }
    unique = uniqueIds(given, file, subset, filenames, warnings);
  }
  // An id for a message (kept ids are decoded then).
  const idOf = (i: number) => (unique instanceof LazyIds ? unique.all()[i]! : unique[i]!);
  const firstLabels = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    const label = labels?.[i] ?? null;
    if (label !== null) {
      if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= cats.labels.length) {
        const shown = typeof label === 'number' || typeof label === 'bigint' ? String(label) : pyTypeName(label);
        throw new DatasetImportError(
          ErrorCode.LABEL_OUT_OF_RANGE,
          `label ${shown} is not an index into the ${cats.labels.length} label categories`,
          { file, index: i, item: idOf(i), field: labelsField },
        );
      }
      firstLabels[i] = label;
      const parent = coarse?.[i] ?? null;
      if (parent !== null && cats.coarse) {
        if (typeof parent !== 'number' || !Number.isInteger(parent) || parent < 0 || parent >= cats.coarse.length) {
          throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `coarse label ${String(parent)} is not an index into the ${cats.coarse.length} coarse label names`, {
            file,
            index: i,
            item: idOf(i),
            field: 'coarse_labels',
          });
        }
        const category = cats.labels.items[label]!;
        const name = cats.coarse[parent]!;
        if (category.parent === '') cats.labels.setParent(label, name);
        else if (category.parent !== name) {
          const id = idOf(i);
          warnings.push({
            code: WarningCode.COARSE_LABEL_MISMATCH,
            message: `${file}: item ${i} '${id}': label '${category.name}' has the coarse label '${name}' here but '${category.parent}' before; its parent stays '${category.parent}'`,
            file,
            subset,
            index: i,
            item: id,
          });
        }
      }
    }
  }
  const batchLabel = dictGet(dict, 'batch_label');
  const keptBuffer = owned && pixels?.block?.buffer === raw.buffer;
  const result = (items: SubsetResult['items']): SubsetResult => ({ items, batchLabel: isTextLike(batchLabel) ? pyText(batchLabel) : null, keptBuffer });
  const exts = byteIds ? byteIds.ext : split ? split.exts : '';
  if (!hwc) return result(new ColumnarSubset(subset, firstLabels, unique, exts, block));
  const itemIds = unique instanceof LazyIds ? unique.all() : unique;
  const items: DatasetItem[] = new Array(count);
  let offset = 0;
  for (let i = 0; i < count; i++) {
    const img = pixels!.images[i] ?? null;
    let media: Image | null = null;
    if (img) {
      media = new Image(hwc.subarray(offset, offset + img.chw.length), img.height, img.width, 3, { ext: typeof exts === 'string' ? exts : exts[i]! });
      offset += img.chw.length;
    }
    const label = firstLabels[i]!;
    items[i] = new DatasetItem({ id: itemIds[i]!, subset, media, annotations: label >= 0 ? [new Label(label)] : [] });
  }
  return result(items);
}

export async function importCifar(source: DatasetSource, options: FormatImportOptions = {}): Promise<ImportedDataset> {
  const order = options.channelOrder ?? 'rgb';
  const layout = await findLayout(source);
  if (!layout) {
    throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, "no CIFAR meta file ('batches.meta' or 'meta') found", {
      file: source.tree.display(source.start) || source.tree.label,
    });
  }
  const budget = budgetOf(source);
  const cats = await loadCategories(source.tree, layout, budget);
  const parts: (ColumnarSubset | DatasetItem[])[] = [];
  const warnings: ImportWarning[] = [];
  const batchLabels = new Map<string, string>();
  const reads: Promise<SubsetBytes>[] = [];
  let ahead = READ_AHEAD;
  const readUpTo = (last: number) => {
    for (let k = reads.length; k <= Math.min(last, layout.subsets.length - 1); k++) {
      reads.push(readSubset(source.tree, layout.subsets[k]!));
      reads[k]!.catch(() => {}); // awaited in turn below; not "unhandled" if an earlier batch fails first
    }
  };
  for (const [i, path] of layout.subsets.entries()) {
    let subset: SubsetResult;
    try {
      readUpTo(i + ahead);
      subset = await importSubset(source.tree, path, cats, reads[i]!, order, warnings, budget);
    } catch (err) {
      const file = source.tree.display(path);
      if (err instanceof CifarkitError) throw err.withLocation({ file });
      throw new DatasetImportError(ErrorCode.CIFAR_INVALID_BATCH, `unexpected content: ${String(err)}`, { file, cause: err });
    }
    parts.push(subset.items);
    // Read buffers that become pixels cost nothing extra held early: then read all the rest now.
    if (i === 0 && subset.keptBuffer) ahead = layout.subsets.length;
    if (subset.batchLabel !== null) batchLabels.set(basename(path), subset.batchLabel);
  }
  const infos: Record<string, unknown> = { ...cats.metaInfos };
  if (cats.coarse) infos.coarse_label_names = cats.coarse;
  // fromEntries: a subset named '__proto__' becomes a key like any other
  if (batchLabels.size > 0) infos.batch_labels = Object.fromEntries(batchLabels);
  return { labels: cats.labels, items: [], parts, subsets: layout.subsets.map(basename), infos, warnings };
}
