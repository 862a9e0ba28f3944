/**
 * Finding the parquet files of a Hugging Face dataset, naming their splits, and reading one
 * file's footer and schema safely (hyparquet, with every declared size checked first).
 */
import { compareSubsetNames } from '../cifar/layout.js';
import { parquetMetadata, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet/src/index.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { CifarkitError, DatasetImportError, ErrorCode } from '../../errors.js';
import { DEFAULT_LIMITS, type ImportLimits } from '../../limits.js';
import { basename, dirname, joinPath, splitExt, type DatasetSource } from '../../sources/file-tree.js';
import {
  CLASS_LABEL_TYPE,
  COARSE_LABEL_COLUMN,
  FINE_LABEL_COLUMN,
  IMAGE_COLUMN,
  IMAGE_TYPE,
  LABEL_COLUMN,
  MAX_SEARCH_DEPTH,
  METADATA_KEY,
  PARQUET_EXT,
  PARQUET_MAGIC,
  SPLIT_KEYWORDS,
} from './constants.js';

export function parquetError(file: string, detail: string, cause?: unknown): DatasetImportError {
  return new DatasetImportError(ErrorCode.PARQUET_INVALID, detail, { file, cause });
}

export function schemaError(file: string, detail: string, where: { field?: string; index?: number } = {}): DatasetImportError {
  return new DatasetImportError(ErrorCode.PARQUET_SCHEMA_INVALID, detail, { file, ...where });
}

/** Whether a file name ends in `.parquet` (any case) and is not hidden. */
export function isParquetName(name: string): boolean {
  return !name.startsWith('.') && name.toLowerCase().endsWith(PARQUET_EXT);
}

/**
 * The `*.parquet` files at a source, sorted by path: the file given, or those in the folder and
 * up to MAX_SEARCH_DEPTH levels below it (hidden files and folders skipped).
 */
export async function findParquetFiles({ tree, start }: DatasetSource): Promise<string[]> {
  const kind = await tree.kind(start);
  if (kind === 'file') return [start];
  if (kind !== 'dir') return [];
  const files: string[] = [];
  let level = [start];
  for (let depth = 0; depth <= MAX_SEARCH_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const e of await tree.list(dir)) {
        if (e.name.startsWith('.')) continue;
        const path = joinPath(dir, e.name);
        if (e.kind === 'file' && isParquetName(e.name)) files.push(path);
        else if (e.kind === 'dir') next.push(path);
      }
    }
    level = next;
  }
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const SHARD_RE = /^(.+?)-\d{5}-of-\d{5}(?:[-._].*)?$/;

function keywordSplit(name: string): string | null {
  for (const word of name.toLowerCase().split(/[-._ 0-9]+/)) {
    const split = SPLIT_KEYWORDS.get(word);
    if (split) return split;
  }
  return null;
}

/**
 * The split a file holds, by its path below the dataset root, as datasets names splits:
 * `<split>-00000-of-00001[-hash].parquet` gives `<split>`; else a split keyword (train,
 * training, validation, valid, dev, val, test, testing, eval, evaluation) as a word of a folder
 * name (`train/0000.parquet`), nearest first, then of the file name (`cifar10-test.parquet`);
 * else the file name without its extension.
 */
export function splitOfPath(relative: string): string {
  const stem = splitExt(basename(relative))[0];
  const shard = SHARD_RE.exec(stem);
  if (shard) return shard[1]!;
  const dirs = dirname(relative).split('/').filter((d) => d !== '');
  for (let i = dirs.length - 1; i >= 0; i--) {
    const split = keywordSplit(dirs[i]!);
    if (split) return split;
  }
  return keywordSplit(stem) ?? stem;
}

/** Splits in the order the CIFAR importers give their subsets: training data first (`train`, then `test`, then the rest by code point). */
export function compareSplits(a: string, b: string): number {
  return compareSubsetNames(a, b);
}

/** The path of a file below the dataset folder `root` ('' for the tree's root: the path itself). */
export function relativeTo(root: string, path: string): string {
  return root === '' ? path : path.slice(root.length + 1);
}

// ---- one file ------------------------------------------------------------------------------------

/** A label column: its name, class names (null when the file has no ClassLabel names for it). */
export interface LabelColumn {
  name: string;
  names: string[] | null;
}

/** What cifarkit reads from one file. */
export interface TableLayout {
  metadata: FileMetaData;
  image: string;
  /** The fine label column (CIFAR-100's `fine_label`, else `label`), or null for images only. */
  label: LabelColumn | null;
  /** CIFAR-100's `coarse_label`, when the file has it beside `fine_label`. */
  coarse: LabelColumn | null;
  rows: number;
}

const TEXT = new TextDecoder('utf-8', { fatal: true });
const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

function hasMagic(bytes: Uint8Array): boolean {
  const magic = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  return bytes.length >= 12 && magic(0) === PARQUET_MAGIC && magic(bytes.length - 4) === PARQUET_MAGIC;
}

/** Whether the bytes start and end with the parquet magic (a cheap check before any parsing). */
export function looksLikeParquet(bytes: Uint8Array): boolean {
  return hasMagic(bytes);
}

/** The file's footer: schema, row groups and key-value metadata. PARQUET_INVALID when unreadable. */
export function readFooter(bytes: Uint8Array, file: string): FileMetaData {
  if (!hasMagic(bytes)) {
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, LFS_POINTER.length));
    if (head === LFS_POINTER) {
      throw parquetError(file, 'this is a Git LFS pointer file, not the parquet data (run `git lfs pull` in the clone of the dataset repository)');
    }
    throw parquetError(file, `not a parquet file: it does not start and end with '${PARQUET_MAGIC}' (${bytes.length} bytes)`);
  }
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(bytes, { geoparquet: false });
  } catch (err) {
    throw parquetError(file, `the parquet footer cannot be read: ${(err as Error).message ?? String(err)}`, err);
  }
  if (!Array.isArray(metadata.schema) || metadata.schema.length === 0 || !Array.isArray(metadata.row_groups)) {
    throw parquetError(file, 'the parquet footer has no schema or no row groups list');
  }
  return metadata;
}

type Features = Record<string, { _type?: unknown; names?: unknown; num_classes?: unknown }>;

/** The `huggingface` key-value metadata's `info.features`, or null when the file has none. */
function featuresOf(metadata: FileMetaData, file: string): Features | null {
  const kv = (metadata.key_value_metadata ?? []).find((e) => e.key === METADATA_KEY);
  if (!kv || kv.value === undefined) return null;
  let json: unknown;
  try {
    json = JSON.parse(kv.value);
  } catch (err) {
    throw schemaError(file, `the '${METADATA_KEY}' metadata is not valid JSON: ${(err as Error).message}`, { field: METADATA_KEY });
  }
  const info = json !== null && typeof json === 'object' ? (json as { info?: unknown }).info : undefined;
  const features = info !== null && typeof info === 'object' ? (info as { features?: unknown }).features : undefined;
  if (features === undefined || features === null) return null;
  if (typeof features !== 'object' || Array.isArray(features)) {
    throw schemaError(file, `the '${METADATA_KEY}' metadata's info.features is not an object of column name -> feature`, { field: METADATA_KEY });
  }
  return features as Features;
}

/** ClassLabel names as datasets reads them: `names`, else '0'..'num_classes-1'. Unique strings. */
function classNames(feature: Features[string], column: string, file: string): string[] {
  let names: unknown = feature.names;
  if (names === undefined || names === null) {
    const n = feature.num_classes;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 1_000_000) {
      throw schemaError(file, `ClassLabel '${column}' has neither names nor a valid num_classes`, { field: column });
    }
    names = Array.from({ length: n }, (_, i) => String(i));
  }
  if (!Array.isArray(names) || !names.every((v) => typeof v === 'string')) {
    throw schemaError(file, `ClassLabel '${column}' names must be a list of strings`, { field: column });
  }
  const seen = new Set<string>();
  for (const name of names as string[]) {
    if (seen.has(name)) throw schemaError(file, `ClassLabel '${column}' names '${name}' twice`, { field: column });
    seen.add(name);
  }
  return names as string[];
}

/** A top-level group column of Arrow type struct<bytes: binary, path: string> (what datasets' Image is). */
function isImageStruct(node: SchemaTree): boolean {
  if (node.children.length === 0 || node.element.repetition_type === 'REPEATED') return false;
  const bytes = node.children.find((c) => c.element.name === 'bytes');
  const path = node.children.find((c) => c.element.name === 'path');
  const leaf = (c: SchemaTree | undefined) => c !== undefined && c.children.length === 0 && c.element.type === 'BYTE_ARRAY' && c.element.repetition_type !== 'REPEATED';
  return leaf(bytes) && (path === undefined || leaf(path)) && node.children.length <= 2;
}

function isIntegerColumn(node: SchemaTree): boolean {
  const t = node.element.type;
  return node.children.length === 0 && (t === 'INT32' || t === 'INT64') && node.element.repetition_type !== 'REPEATED';
}

/**
 * Reads the schema of one file: the image column (an Image feature, else `img`/`image`, else the
 * first struct<bytes, path>), the label column(s) and their class names. Null when the file has
 * no image column (not this format); PARQUET_SCHEMA_INVALID when its metadata is broken or a
 * feature does not match its column.
 */
export function tableLayout(metadata: FileMetaData, file: string): TableLayout | null {
  let root: SchemaTree;
  try {
    root = parquetSchema(metadata);
  } catch (err) {
    throw parquetError(file, `the parquet schema cannot be read: ${(err as Error).message ?? String(err)}`, err);
  }
  const columns = new Map(root.children.map((c) => [c.element.name, c]));
  const features = featuresOf(metadata, file);
  const typeOf = (name: string) => (features && features[name] && typeof features[name] === 'object' ? features[name]!._type : undefined);

  const structs = root.children.filter(isImageStruct).map((c) => c.element.name);
  const declared = structs.filter((n) => typeOf(n) === IMAGE_TYPE);
  const image = declared[0] ?? [IMAGE_COLUMN, 'image'].find((n) => structs.includes(n)) ?? structs[0];
  if (image === undefined) {
    for (const [name, f] of Object.entries(features ?? {})) {
      if (f && typeof f === 'object' && f._type === IMAGE_TYPE) {
        throw schemaError(file, `feature '${name}' is an Image but its column is not a struct of 'bytes' (binary) and 'path' (string)`, { field: name });
      }
    }
    return null;
  }

  const labelColumn = (name: string): LabelColumn | null => {
    const node = columns.get(name);
    if (!node) return null;
    const declaredType = typeOf(name);
    if (declaredType === CLASS_LABEL_TYPE) {
      if (!isIntegerColumn(node)) throw schemaError(file, `ClassLabel '${name}' is stored as ${node.element.type ?? 'a group'}, not as integers`, { field: name });
      return { name, names: classNames(features![name]!, name, file) };
    }
    if (declaredType !== undefined || !isIntegerColumn(node)) return null;
    return { name, names: null };
  };
  const classLabels = features ? Object.keys(features).filter((n) => typeOf(n) === CLASS_LABEL_TYPE && columns.has(n)) : [];
  const fine = labelColumn(FINE_LABEL_COLUMN);
  const label = fine ?? labelColumn(LABEL_COLUMN) ?? (classLabels[0] !== undefined ? labelColumn(classLabels[0]) : null);
  const coarse = fine ? labelColumn(COARSE_LABEL_COLUMN) : null;
  for (const name of classLabels) {
    // A ClassLabel feature without its column, or one declared but not read, is checked above;
    // here every ClassLabel must at least be an integer column.
    labelColumn(name);
  }
  const rows = Number(metadata.num_rows);
  return { metadata, image, label, coarse, rows };
}

// ---- declared sizes --------------------------------------------------------------------------------

export interface ReadBudget {
  /** Bytes that decompression may still produce (limits.maxTotalBytes over the whole import). */
  bytes: number;
}

export function newBudget(limits: ImportLimits | undefined): ReadBudget {
  return { bytes: (limits ?? DEFAULT_LIMITS).maxTotalBytes };
}

function tooLarge(file: string, detail: string): DatasetImportError {
  return new DatasetImportError(ErrorCode.ARCHIVE_TOO_LARGE, detail, { file });
}

/**
 * Checks every declared size of the row groups before hyparquet reads them, so that no
 * allocation follows a number the file merely claims: the row counts add up and stay within
 * `limits.maxEntries`; each column chunk lies inside the file; each page header parses, its
 * compressed bytes lie inside its chunk, its value count is at most the rows of its group (the
 * columns read are not repeated: one value or null per row), the data pages' counts add up to the
 * group's rows, and the pages' uncompressed sizes, added up, stay within `limits.maxTotalBytes`.
 */
export function checkDeclaredSizes(bytes: Uint8Array, layout: TableLayout, file: string, limits: ImportLimits, budget: ReadBudget): void {
  const { metadata } = layout;
  const rows = metadata.num_rows;
  let sum = 0n;
  for (const rg of metadata.row_groups) sum += BigInt(rg.num_rows);
  if (typeof rows !== 'bigint' || rows < 0n || sum !== rows) throw parquetError(file, `the footer says ${String(rows)} rows but its row groups hold ${sum}`);
  if (rows > BigInt(limits.maxEntries)) throw tooLarge(file, `the file holds ${rows} rows, more than limits.maxEntries (${limits.maxEntries})`);
  const wanted = new Set([layout.image, layout.label?.name, layout.coarse?.name].filter((n): n is string => n !== undefined));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  metadata.row_groups.forEach((rg, g) => {
    const groupRows = Number(rg.num_rows);
    for (const chunk of rg.columns) {
      const meta = chunk.meta_data;
      if (!meta) throw parquetError(file, `row group ${g} has a column chunk without metadata`);
      if (!wanted.has(meta.path_in_schema[0]!)) continue;
      const column = meta.path_in_schema.join('.');
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const length = Number(meta.total_compressed_size);
      if (!(start >= 4 && length >= 0 && start + length <= bytes.length - 8)) {
        throw parquetError(file, `row group ${g}, column '${column}': its ${length} bytes at offset ${start} are not inside the file`);
      }
      const reader = { view: new DataView(view.buffer, view.byteOffset + start, length), offset: 0 };
      let values = 0;
      while (reader.offset < length) {
        let header;
        try {
          header = parquetHeader(reader);
        } catch (err) {
          throw parquetError(file, `row group ${g}, column '${column}': a page header cannot be read at byte ${start + reader.offset}`, err);
        }
        const { compressed_page_size: compressed, uncompressed_page_size: uncompressed } = header;
        if (!Number.isSafeInteger(compressed) || compressed < 0 || reader.offset + compressed > length) {
          throw parquetError(file, `row group ${g}, column '${column}': a page of ${compressed} bytes runs past its column chunk`);
        }
        if (!Number.isSafeInteger(uncompressed) || uncompressed < 0) throw parquetError(file, `row group ${g}, column '${column}': a page declares ${uncompressed} uncompressed bytes`);
        if (uncompressed > budget.bytes) {
          throw tooLarge(file, `row group ${g}, column '${column}': the pages decompress to more than limits.maxTotalBytes (${limits.maxTotalBytes}) in all`);
        }
        budget.bytes -= uncompressed;
        const count = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_values ?? header.dictionary_page_header?.num_values;
        if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2' || header.type === 'DICTIONARY_PAGE') {
          const limit = header.type === 'DICTIONARY_PAGE' ? Math.max(uncompressed, groupRows) : groupRows;
          if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0 || count > limit) {
            throw parquetError(file, `row group ${g}, column '${column}': a page declares ${String(count)} values in a group of ${groupRows} rows`);
          }
          if (header.type !== 'DICTIONARY_PAGE') values += count;
        }
        reader.offset += compressed;
      }
      if (values !== groupRows) throw parquetError(file, `row group ${g}, column '${column}': its pages hold ${values} values for ${groupRows} rows`);
    }
  });
}

/** Wraps a decompressor: the output must have the size the page header gives. */
export function checkedDecompressor(codec: string, decompress: (input: Uint8Array, outputLength: number) => Uint8Array, file: string) {
  return (input: Uint8Array, outputLength: number): Uint8Array => {
    let out: Uint8Array;
    try {
      out = decompress(input, outputLength);
    } catch (err) {
      throw parquetError(file, `a ${codec} page cannot be decompressed: ${(err as Error).message ?? String(err)}`, err);
    }
    if (!(out instanceof Uint8Array) || out.length !== outputLength) {
      throw parquetError(file, `a ${codec} page decompresses to ${out instanceof Uint8Array ? out.length : 'no'} bytes, not the ${outputLength} its header gives`);
    }
    return out;
  };
}

/** Rethrows a cifarkit error as it is; anything else (hyparquet's plain Errors) as PARQUET_INVALID. */
export function asParquetError(err: unknown, file: string, what: string): CifarkitError {
  if (err instanceof CifarkitError) return err;
  return parquetError(file, `${what}: ${err instanceof Error ? err.message : String(err)}`, err);
}

/** Text of a path value (hyparquet gives strings for UTF8 columns; bytes when the writer did not mark them). */
export function pathText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    try {
      return TEXT.decode(value);
    } catch {
      return null;
    }
  }
  return null;
}
