/**
 * Reading Hugging Face parquet tables of images and class labels (the Hub's `cifar10` and
 * `cifar100`): one split per file (shards of a split are joined in name order), the image bytes
 * decoded by cifarkit's codecs, class names from the ClassLabel features, CIFAR-100's coarse
 * labels as the fine labels' parents.
 *
 * Memory: the file is read one row group at a time (each group's pages decompressed, its images
 * decoded, then dropped); every size the file declares is checked before it is used (see
 * {@link checkDeclaredSizes}); the decoded pixels of the whole import count against
 * `limits.maxTotalBytes` too.
 */
import { parquetReadObjects } from 'hyparquet/src/index.js';
import { Label, LabelCategories } from '../../model/annotations.js';
import { DatasetItem } from '../../model/item.js';
import type { Image } from '../../image/image.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { decodeImage } from '../../image/codecs.js';
import { DEFAULT_LIMITS, type ImportLimits } from '../../limits.js';
import { splitExt, type DatasetSource } from '../../sources/file-tree.js';
import type { ImportedDataset } from '../format.js';
import { NO_LABEL } from './constants.js';
import { DECOMPRESSORS } from './decompressors.js';
import {
  asParquetError,
  checkDeclaredSizes,
  checkedDecompressor,
  compareSplits,
  findParquetFiles,
  newBudget,
  parquetError,
  pathText,
  readFooter,
  relativeTo,
  schemaError,
  splitOfPath,
  tableLayout,
  type ReadBudget,
  type TableLayout,
} from './layout.js';

type Compressors = Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>;

function compressorsFor(file: string): Compressors {
  const out: Compressors = {};
  for (const [codec, fn] of Object.entries(DECOMPRESSORS)) out[codec] = checkedDecompressor(codec, fn, file);
  return out;
}

/** One row as read: the image bytes and path, the label values (null when absent). */
interface Row {
  bytes: Uint8Array | null;
  path: string | null;
  label: number | null;
  coarse: number | null;
}

/** An integer label value, -1/null for none; LABEL_OUT_OF_RANGE outside 0..count-1 (count null: any >= 0). */
function labelValue(v: unknown, count: number | null, file: string, column: string, index: number): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? (v >= -1n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN) : typeof v === 'number' ? v : NaN;
  if (n === NO_LABEL) return null;
  if (!Number.isSafeInteger(n) || n < 0 || (count !== null && n >= count)) {
    const range = count === null ? 'a non-negative integer or -1' : `0..${count - 1} (or -1 for none)`;
    throw new DatasetImportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${String(v)} is not ${range}`, { file, field: column, index });
  }
  return n;
}

interface FileRead {
  split: string;
  layout: TableLayout;
  file: string;
  rows: Row[];
  images: (Image | null)[];
}

/** Reads one file row group by row group, decoding the images as it goes. */
async function readTable(bytes: Uint8Array, file: string, split: string, limits: ImportLimits, budget: ReadBudget, pixelBudget: ReadBudget): Promise<FileRead> {
  const metadata = readFooter(bytes, file);
  const layout = tableLayout(metadata, file);
  if (!layout) throw schemaError(file, "no image column: expected a struct column of 'bytes' (binary) and 'path' (string), as datasets' Image feature is stored");
  checkDeclaredSizes(bytes, layout, file, limits, budget);
  const asyncBuffer = {
    byteLength: bytes.length,
    slice: (start: number, end?: number) => bytes.slice(start, end).buffer as ArrayBuffer,
  };
  const compressors = compressorsFor(file);
  const columns = [layout.image, layout.label?.name, layout.coarse?.name].filter((c): c is string => c !== undefined);
  const fineCount = layout.label?.names ? layout.label.names.length : null;
  const coarseCount = layout.coarse?.names ? layout.coarse.names.length : null;
  const rows: Row[] = [];
  const images: (Image | null)[] = [];
  let start = 0;
  for (const rg of metadata.row_groups) {
    const end = start + Number(rg.num_rows);
    if (end === start) continue;
    let objects: Record<string, unknown>[];
    try {
      objects = await parquetReadObjects({ file: asyncBuffer, metadata, columns, rowStart: start, rowEnd: end, compressors, utf8: false, geoparquet: false });
    } catch (err) {
      throw asParquetError(err, file, `rows ${start}..${end - 1} cannot be read`);
    }
    if (objects.length !== end - start) throw parquetError(file, `rows ${start}..${end - 1}: ${objects.length} rows were read`);
    for (let i = 0; i < objects.length; i++) {
      const index = start + i;
      const o = objects[i]!;
      const img = o[layout.image] as { bytes?: unknown; path?: unknown } | null | undefined;
      let row: Row;
      if (img === null || img === undefined) row = { bytes: null, path: null, label: null, coarse: null };
      else {
        const b = img.bytes;
        if (b !== null && b !== undefined && !(b instanceof Uint8Array)) throw schemaError(file, `the image bytes are not binary`, { field: layout.image, index });
        const path = pathText(img.path);
        if ((b === null || b === undefined) && path !== null) {
          throw schemaError(file, `the image has only a path ('${path}'), no bytes: cifarkit reads images stored in the file`, { field: layout.image, index });
        }
        row = { bytes: (b as Uint8Array | null | undefined) ?? null, path, label: null, coarse: null };
      }
      if (layout.label) row.label = labelValue(o[layout.label.name], fineCount, file, layout.label.name, index);
      if (layout.coarse) row.coarse = labelValue(o[layout.coarse.name], coarseCount, file, layout.coarse.name, index);
      let media: Image | null = null;
      if (row.bytes) {
        try {
          media = decodeImage(row.bytes, row.path ?? `${file}[${index}].png`);
        } catch (err) {
          if (err instanceof CifarkitError) throw err.withLocation({ file, index, field: layout.image });
          throw err;
        }
        const size = media.data.length;
        if (size > pixelBudget.bytes) {
          throw new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, `the decoded images come to more than limits.maxTotalBytes (${limits.maxTotalBytes}) bytes`, { file, index });
        }
        pixelBudget.bytes -= size;
        row.bytes = null; // the file's bytes are not kept
      }
      rows.push(row);
      images.push(media);
    }
    start = end;
  }
  return { split, layout, file, rows, images };
}

/** The id of a row: its image path without the extension (as CIFAR's filenames give ids), or null. */
function idOfPath(path: string | null): string | null {
  if (path === null || path === '') return null;
  const id = splitExt(path)[0];
  return id === '' ? null : id;
}

function sameNames(a: string[] | null, b: string[] | null): boolean {
  return a === b || (a !== null && b !== null && a.length === b.length && a.every((n, i) => n === b[i]));
}

export async function importHfParquet(source: DatasetSource): Promise<ImportedDataset> {
  const { tree } = source;
  const limits = source.limits ?? DEFAULT_LIMITS;
  const paths = await findParquetFiles(source);
  if (paths.length === 0) {
    throw new DatasetImportError(ErrorCode.FORMAT_NOT_DETECTED, 'no parquet file (*.parquet) found', { file: tree.display(source.start) || tree.label });
  }
  const root = (await tree.kind(source.start)) === 'dir' ? source.start : '';
  const budget = newBudget(limits);
  const pixels = newBudget(limits);
  const reads: FileRead[] = [];
  for (const path of paths) {
    const file = tree.display(path);
    const split = splitOfPath(relativeTo(root, path));
    let read: FileRead;
    try {
      read = await readTable(await tree.read(path), file, split, limits, budget, pixels);
    } catch (err) {
      throw asParquetError(err, file, 'unexpected content');
    }
    const first = reads[0];
    if (first) {
      const differs = (a: TableLayout['label'], b: TableLayout['label']) => (a === null) !== (b === null) || !sameNames(a?.names ?? null, b?.names ?? null);
      if (differs(first.layout.label, read.layout.label) || differs(first.layout.coarse, read.layout.coarse)) {
        throw schemaError(file, `its label columns or class names differ from those of ${first.file}`);
      }
    }
    reads.push(read);
  }

  // Class names: the ClassLabel names, else '0'..max of the values seen.
  const max = (pick: (r: Row) => number | null) => reads.reduce((m, r) => r.rows.reduce((mm, row) => Math.max(mm, pick(row) ?? -1), m), -1);
  const layout = reads[0]!.layout;
  const fineNames = layout.label ? (layout.label.names ?? Array.from({ length: max((r) => r.label) + 1 }, (_, i) => String(i))) : [];
  const coarseNames = layout.coarse ? (layout.coarse.names ?? Array.from({ length: max((r) => r.coarse) + 1 }, (_, i) => String(i))) : [];

  // CIFAR-100: each fine label's parent is the coarse label its rows carry (one per fine label).
  const parents: (string | undefined)[] = new Array(fineNames.length);
  for (const read of reads) {
    read.rows.forEach((row, index) => {
      if (row.label === null || row.coarse === null) return;
      const parent = coarseNames[row.coarse]!;
      const known = parents[row.label];
      if (known !== undefined && known !== parent) {
        throw schemaError(read.file, `class '${fineNames[row.label]}' has coarse label '${parent}' here but '${known}' in an earlier row`, { field: layout.coarse!.name, index });
      }
      parents[row.label] = parent;
    });
  }
  const labels = new LabelCategories();
  fineNames.forEach((name, i) => labels.add(name, parents[i] ?? ''));

  // Items: shards of a split in file order; a row's id is its image path without the extension,
  // or (no path: the Hub's CIFAR files, rows without an image) `<split>_<index in the split>`,
  // unique across splits so that items can be moved between subsets (random_split, merge). When
  // that would give two rows one id, every row of the split is named by its index.
  const splits = [...new Set(reads.map((r) => r.split))].sort(compareSplits);
  const items: DatasetItem[] = [];
  for (const split of splits) {
    const parts = reads.filter((r) => r.split === split);
    const ids: string[] = [];
    for (const part of parts) for (const row of part.rows) ids.push(idOfPath(row.path) ?? `${split}_${ids.length}`);
    const unique = new Set(ids).size === ids.length;
    let n = 0;
    for (const part of parts) {
      part.rows.forEach((row, i) => {
        const id = unique ? ids[n]! : `${split}_${n}`;
        n++;
        items.push(new DatasetItem({ id, subset: split, media: part.images[i] ?? null, annotations: row.label === null ? [] : [new Label(row.label)] }));
      });
    }
  }
  return { labels, items, subsets: splits };
}
