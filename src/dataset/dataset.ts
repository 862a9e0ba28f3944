/**
 * Dataset: items grouped in subsets, with label categories; Datumaro's central concept.
 */
import { archiveSource, isArchiveInput, type ArchiveInput } from '../archive/index.js';
import { checkCifarMember } from '../formats/cifar/layout.js';
import { cifarMemberPreparer } from '../formats/cifar/import.js';
import { concatBytes } from '../bytes.js';
import { DatasetExportError, ErrorCode, UsageError } from '../errors.js';
import { countingTree, isMemoryFiles, memoryTree, safeOutputPath, type DatasetSource, type MemoryFiles } from '../sources/file-tree.js';
import type { ChannelOrder, DatasetInfos } from '../model/view.js';
import type { ImportWarning } from '../warnings.js';
import { DecodeBudget, resolveLimits, type ImportLimits } from '../limits.js';
import { detectFormats, exportFiles, importSource, type ExportOptionsMap } from '../formats/index.js';
import type { ExportOptions, FormatName } from '../formats/format.js';
import type { EncoderPool } from '../image/encoder-pool.js';
import { platform, type FileSystemAccess } from '../platform/index.js';
import { LabelCategories } from '../model/annotations.js';
import type { DatasetItem } from '../model/item.js';
import { columnRun, isColumnSegment, segmentItem, segmentLength, segmentsOf, type ColumnRun, type Segment } from '../model/columns.js';
import { filterDataset, type AnnotationPredicate, type FilterMode, type FilterOptions, type ItemPredicate } from './filter.js';
import { mergeDatasets, type MergeConflict } from './merge.js';
import { applyTransform, type DatasetParts, type TransformName, type TransformOptionsMap } from './transforms/index.js';
import { validateDataset, type ValidateOptions, type ValidationReport } from '../validate/index.js';
import { checksummingTree, type FileChecksum } from '../validate/official.js';
import { batches as itemBatches, toTensor as itemsToTensor, type Batch, type BatchOptions, type Tensor, type TensorOptions } from './tensor.js';

const EMPTY = new Uint8Array(0);

/**
 * The most encoder threads an export starts (`workers` beyond it is INVALID_ARGUMENT): each is a V8 isolate of its own.
 *
 * @example
 * ```ts
 * import { MAX_WORKERS } from 'cifarkit';
 *
 * console.log(MAX_WORKERS); // 256
 * ```
 */
export const MAX_WORKERS = 256;

/** Below this many images, `export` encodes on the main thread unless `workers` says otherwise. */
const MIN_IMAGES_FOR_WORKERS = 256;

function requireFileSystem(what: string): FileSystemAccess {
  const { fileSystem } = platform();
  if (!fileSystem) {
    throw new UsageError(
      ErrorCode.INVALID_ARGUMENT,
      `${what} can be used only in Node and Deno; in a browser pass the files themselves (File[], or a Record of path -> Uint8Array)`,
    );
  }
  return fileSystem;
}

async function openSource(input: DatasetInput, options: ImportOptions, what: string, format?: string): Promise<DatasetSource> {
  if (options === null || typeof options !== 'object') throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${what} options must be an object`);
  const limits = resolveLimits(options.limits);
  // One decode budget for everything the import reads (see limits.ts).
  const budget = new DecodeBudget(limits);
  // A CIFAR batch in an archive is sniffed before it is collected (unless another format is asked for).
  const cifar = format === undefined || format === 'cifar';
  const checkMember = cifar ? checkCifarMember : undefined;
  // ... and unpickled as soon as it is in, while the rest of the archive inflates.
  const prepareMember = cifar ? cifarMemberPreparer(limits) : undefined;
  if (typeof input === 'string') return requireFileSystem('file paths').openPath(input, { limits, budget, checkMember, prepareMember });
  if (isArchiveInput(input)) return archiveSource(input, { limits, budget, checkMember, prepareMember });
  if (isMemoryFiles(input)) return { tree: countingTree(memoryTree(input), budget), start: '', limits, budget };
  throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${what} takes a path, a Record or Map of path -> bytes, a list of File objects, or an archive (Uint8Array, Blob, Response, ReadableStream, URL)`);
}

/**
 * What `Dataset.importFrom` accepts: a path (Node, Deno; a folder, a file of a dataset, or an
 * archive), in-memory files, or an archive (.tar, .tar.gz/.tgz, .zip) as bytes, a Blob/File, a
 * Response, a ReadableStream or a URL (fetched).
 *
 * @example
 * ```ts
 * import { Dataset, type DatasetInput } from 'cifarkit';
 *
 * const inputs: DatasetInput[] = ['cifar-10-batches-py', { 'labels.txt': new TextEncoder().encode('cat\n') }];
 * console.log(await Dataset.detect(inputs[0]!)); // [ 'cifar' ]
 * ```
 */
export type DatasetInput = string | MemoryFiles | ArchiveInput;

/**
 * The options of `Dataset.importFrom` and `Dataset.detect`.
 *
 * @example
 * ```ts
 * import { Dataset, type ImportOptions } from 'cifarkit';
 *
 * const options: ImportOptions = { limits: { maxItems: 100 }, checksums: true };
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', options);
 * console.log(ds.fileChecksums?.map((c) => c.name)); // [ 'batches.meta', 'data_batch_1', 'test_batch' ]
 * ```
 */
export interface ImportOptions {
  /**
   * Size limits for hostile or unexpectedly large input (see {@link ImportLimits}; defaults in
   * `DEFAULT_LIMITS`). Raise them for data you trust, lower them for data you do not.
   */
  limits?: Partial<ImportLimits>;
  /**
   * CIFAR: the order of the colour planes in the files, 'rgb' (default: the CIFAR convention,
   * torchvision) or 'bgr' (Datumaro's CIFAR exports of datasets it loaded from PNG/JPEG). With
   * 'bgr' the images read back in their true colours. Other formats refuse 'bgr'.
   */
  channelOrder?: ChannelOrder;
  /**
   * Take the md5 of each file named like an official CIFAR file (data_batch_1..5, test_batch,
   * batches.meta; train, test, meta) as it is read, for `validate`'s official-files check
   * (`summary.officialFiles`). Off by default: it costs one md5 pass over those files.
   */
  checksums?: boolean;
}

/**
 * The options of `Dataset.fromIterable`.
 *
 * @example
 * ```ts
 * import { Dataset, DatasetItem, Label, type FromIterableOptions } from 'cifarkit';
 *
 * const options: FromIterableOptions = { labels: ['cat', 'dog'], infos: { source: 'handmade' } };
 * const ds = Dataset.fromIterable([new DatasetItem({ id: '1', annotations: [new Label(1)] })], options);
 * console.log(ds.labels.items[1]?.name, ds.infos.source); // dog handmade
 * ```
 */
export interface FromIterableOptions {
  /** Label categories, or label names (or [name, parent] pairs). */
  labels?: LabelCategories | Iterable<string | readonly [string, string?]>;
  /** Dataset-level facts for exporters (see `Dataset.infos`). */
  infos?: Record<string, unknown>;
}

function frozenInfos(infos: Record<string, unknown> | undefined): DatasetInfos {
  return Object.freeze({ ...(infos ?? {}) });
}

/**
 * What `Dataset.merge` returns: the merged dataset, and the items it found twice but not identical.
 *
 * @example
 * ```ts
 * import { Dataset, DatasetItem, Label, type MergeResult } from 'cifarkit';
 *
 * const a = Dataset.fromIterable([new DatasetItem({ id: '1', annotations: [new Label(0)] })], { labels: ['cat', 'dog'] });
 * const b = Dataset.fromIterable([new DatasetItem({ id: '1', annotations: [new Label(1)] })], { labels: ['cat', 'dog'] });
 * const result: MergeResult = Dataset.merge(a, b);
 * console.log(result.dataset.size, result.conflicts.length); // 1 1
 * ```
 */
export interface MergeResult {
  /** The union of the datasets. */
  readonly dataset: Dataset;
  /** The items found twice, not identical, of which the first was kept (empty when none). */
  readonly conflicts: readonly MergeConflict[];
}

/**
 * A dataset: items grouped in subsets, with label categories, as Datumaro's `Dataset`. Import it
 * from files ({@link Dataset.importFrom}), build it from items ({@link Dataset.fromIterable}),
 * then filter, transform, merge, validate, turn it into tensors, or export it. Immutable: every
 * operation gives a new dataset that shares the items.
 *
 * @example
 * ```ts
 * import { Dataset } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py');
 * console.log(ds.format, ds.size, ds.subsets()); // cifar 5 [ 'data_batch_1', 'test_batch' ]
 * const cats = ds.filter('/item[annotation/label="cat"]');
 * console.log(cats.size, cats.get('image_3', 'test_batch')?.annotations[0]?.label); // 2 3
 * console.log(await cats.export('cats', 'imagenet')); // 2
 * ```
 */
export class Dataset implements Iterable<DatasetItem> {
  /** The format the dataset was imported from, if any. */
  readonly format: FormatName | null;
  /** The items, in dataset order: columnar rows and item arrays (see model/columns.ts). */
  private readonly segments: readonly Segment[];
  private readonly count: number;
  private readonly subsetNames: string[];
  /** The label categories (read-only: shared with the datasets made from this one). */
  readonly labels: LabelCategories;
  /**
   * Dataset-level facts the source's files hold beyond items and labels, kept for a later export
   * (Datumaro's `infos`). CIFAR: `coarse_label_names` (the meta's full CIFAR-100 superclass list,
   * in its order), `num_cases_per_batch` and `num_vis` (batches.meta), `batch_labels` (subset ->
   * its `batch_label`). Kept by `filter`, `transform` and (first dataset first) `merge`.
   */
  readonly infos: DatasetInfos;

  private constructor(
    segments: readonly Segment[],
    labels: LabelCategories,
    subsets: string[] | null,
    format: FormatName | null,
    infos: DatasetInfos = frozenInfos(undefined),
    fromImport: { warnings: readonly ImportWarning[]; checksums: readonly FileChecksum[] | null } = { warnings: [], checksums: null },
  ) {
    this.warnings = fromImport.warnings;
    this.checksums = fromImport.checksums;
    this.segments = segments;
    // A dataset's categories are read-only: the datasets made from this one share them.
    this.labels = labels.seal();
    this.format = format;
    this.infos = infos;
    const names = subsets ? [...subsets] : [];
    const known = new Set(names);
    const see = (name: string) => {
      if (!known.has(name)) {
        known.add(name);
        names.push(name);
      }
    };
    let count = 0;
    for (const segment of segments) {
      const n = segmentLength(segment);
      count += n;
      if (!isColumnSegment(segment)) for (const item of segment.items) see(item.subset);
      else if (n > 0) see(segment.base.name);
    }
    this.count = count;
    this.subsetNames = names;
  }

  /** A dataset from items in memory. */
  static fromIterable(items: Iterable<DatasetItem>, options: FromIterableOptions = {}): Dataset {
    // The caller's own categories stay theirs to add to: the dataset gets a read-only copy.
    const labels = options.labels instanceof LabelCategories ? (options.labels.readOnly ? options.labels : options.labels.clone()) : LabelCategories.fromIterable(options.labels ?? []);
    if (options.infos !== undefined && (options.infos === null || typeof options.infos !== 'object' || Array.isArray(options.infos))) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'infos must be an object of name -> value');
    }
    return new Dataset(segmentsOf([...items]), labels, null, null, frozenInfos(options.infos));
  }

  /**
   * Reads a dataset from a path (Node, Deno) or from in-memory files (every runtime):
   * `Record<string, Uint8Array>`, `Map`, or `File[]`/`FileList`. The format is detected when omitted.
   */
  static async importFrom(input: DatasetInput, format?: FormatName, options: ImportOptions = {}): Promise<Dataset> {
    if (options === null || typeof options !== 'object') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'importFrom options must be an object');
    const { channelOrder } = options;
    if (channelOrder !== undefined && channelOrder !== 'rgb' && channelOrder !== 'bgr') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `channelOrder must be 'rgb' or 'bgr', got ${JSON.stringify(channelOrder) ?? String(channelOrder)}`);
    }
    let source = await openSource(input, options, 'importFrom', format);
    if (format !== undefined && typeof format !== 'string') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'the format must be a string such as "cifar"');
    }
    if (options.checksums !== undefined && typeof options.checksums !== 'boolean') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'importFrom option checksums must be true or false');
    }
    const checksums: FileChecksum[] | null = options.checksums ? [] : null;
    if (checksums) source = { ...source, tree: checksummingTree(source.tree, checksums) };
    const imported = await importSource(source, format, channelOrder === undefined ? {} : { channelOrder });
    const segments: Segment[] = imported.parts ? imported.parts.map((part) => (Array.isArray(part) ? { items: part } : { base: part, rows: null })) : [{ items: imported.items }];
    return new Dataset(segments, imported.labels, imported.subsets, imported.format, frozenInfos(imported.infos), {
      warnings: Object.freeze([...(imported.warnings ?? [])]),
      // Reads run ahead of decoding and finish in any order: sorted, the list is the same every run.
      checksums: checksums && Object.freeze(checksums.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))),
    });
  }

  /**
   * The formats whose detectors recognise the input (same inputs as `importFrom`), in detection
   * order: the first is the one `importFrom` would use; empty when none does.
   */
  static async detect(input: DatasetInput, options: ImportOptions = {}): Promise<FormatName[]> {
    const source = await openSource(input, options, 'detect');
    if ((await source.tree.kind(source.start)) === null) {
      throw new UsageError(ErrorCode.FILE_NOT_FOUND, 'no such file or folder', { file: source.tree.display(source.start) || source.tree.label });
    }
    return detectFormats(source);
  }

  /**
   * Writes the dataset to a folder in the given format (Node, Deno). All or nothing: the files
   * go to a temporary sibling folder that replaces `dir` only when complete. A non-empty `dir`
   * is refused unless `options.overwrite`. Returns the number of files written.
   */
  async export<F extends FormatName>(dir: string, format: F, options: ExportOptionsMap[F] = {}): Promise<number> {
    if (typeof dir !== 'string' || dir === '') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'export needs an output folder path');
    const fs = requireFileSystem('export to a folder');
    const pool = this.encoderPool(options);
    try {
      return await fs.writeFiles(dir, exportFiles(this, format, options, pool ? { encoder: pool } : {}), { overwrite: options.overwrite === true });
    } finally {
      await pool?.close();
    }
  }

  /** The files of an export, in memory: path -> bytes (every runtime; e.g. to zip in a browser). */
  async exportToFiles<F extends FormatName>(format: F, options: ExportOptionsMap[F] = {}): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    const pool = this.encoderPool(options);
    // Images encoded on other threads arrive later: their places in the map are kept in order.
    const pending: Promise<void>[] = [];
    try {
      for await (const file of exportFiles(this, format, options, pool ? { encoder: pool } : {})) {
        const path = safeOutputPath(file.path);
        if (out.has(path)) throw new DatasetExportError(ErrorCode.UNSAFE_PATH, `two items would both be written to '${path}'`, { file: path });
        const data = file.data;
        if (data instanceof Promise) {
          data.catch(() => {}); // never unhandled, even if an earlier file fails first
          out.set(path, EMPTY);
          pending.push(data.then((bytes) => void out.set(path, bytes)));
        } else if (data instanceof Uint8Array) {
          out.set(path, data); // kept: its memory is never handed back to the exporter
        } else {
          out.set(path, concatBytes(data));
          file.release?.();
        }
      }
      await Promise.all(pending);
    } finally {
      await Promise.allSettled(pending);
      await pool?.close();
    }
    return out;
  }

  /** The encoder pool an export with these options uses, or null to encode on this thread. */
  private encoderPool(options: ExportOptions): EncoderPool | null {
    const { workers } = options;
    if (workers !== undefined && (typeof workers !== 'number' || !Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS)) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `workers must be an integer from 1 to ${MAX_WORKERS}, got ${String(workers)}`);
    }
    const { encoderThreads } = platform();
    if (!encoderThreads) return null;
    let threads = workers ?? 1;
    if (workers === undefined) {
      let images = 0;
      for (const segment of this.segments) {
        if (isColumnSegment(segment)) images += segment.base.block ? segmentLength(segment) : 0;
        else for (const item of segment.items) if (item.media) images++;
      }
      if (images >= MIN_IMAGES_FOR_WORKERS) threads = encoderThreads.defaultWorkers();
    }
    // Threads start on the first image to encode: formats without images never start them.
    return threads > 1 ? encoderThreads.create(threads) : null;
  }

  /**
   * All items as one tensor, ready for TensorFlow.js (`tf.tensor(t.data, t.shape)`),
   * onnxruntime-web (`new ort.Tensor('float32', t.data, t.shape)`) or transformers.js.
   * Layout NHWC (default) or NCHW, dtype uint8 (default) or float32 (value / 255, optionally
   * normalised); labels are each item's first label index, -1 when it has none. See `TensorOptions`.
   */
  toTensor(options?: TensorOptions): Tensor {
    return itemsToTensor(this, options);
  }

  /**
   * The items in batches of `size`, each a tensor as `toTensor` makes it plus its `items`;
   * `shuffle` (with a `seed` for the same order in every runtime) and `dropLast` as in PyTorch's DataLoader.
   * Every item is checked when this is called; batches are built as they are iterated.
   */
  batches(size: number, options?: BatchOptions): Iterable<Batch> {
    return itemBatches(this, size, options);
  }

  /** Subset names, in the order the source defines (CIFAR: train, data_batch_N by N, test, test_batch, then the others by name). */
  subsets(): string[] {
    return [...this.subsetNames];
  }

  /** Number of items. */
  get size(): number {
    return this.count;
  }

  /** The items of one subset, in dataset order (a new array; empty for an unknown subset). */
  getSubset(name: string): DatasetItem[] {
    return this.index().bySubset.get(name)?.slice() ?? [];
  }

  /**
   * The item with this id in the given subset, or (no subset given) the first item with this id;
   * undefined when there is none. O(1): an index is built on the first call.
   */
  get(id: string, subset?: string): DatasetItem | undefined {
    const index = this.index();
    if (subset === undefined) return index.firstById.get(id);
    return index.byKey.get(subset)?.get(id);
  }

  private lookup: { bySubset: Map<string, DatasetItem[]>; byKey: Map<string, Map<string, DatasetItem>>; firstById: Map<string, DatasetItem> } | null = null;

  /** The lookup tables of get/getSubset, built once (the items never change). */
  private index(): NonNullable<Dataset['lookup']> {
    if (this.lookup) return this.lookup;
    const bySubset = new Map<string, DatasetItem[]>();
    const byKey = new Map<string, Map<string, DatasetItem>>();
    const firstById = new Map<string, DatasetItem>();
    for (const item of this) {
      let list = bySubset.get(item.subset);
      let ids = byKey.get(item.subset);
      if (!list || !ids) {
        bySubset.set(item.subset, (list = []));
        byKey.set(item.subset, (ids = new Map()));
      }
      list.push(item);
      if (!ids.has(item.id)) ids.set(item.id, item);
      if (!firstById.has(item.id)) firstById.set(item.id, item);
    }
    return (this.lookup = { bySubset, byKey, firstById });
  }

  /** The items, in dataset order (subset by subset). */
  *[Symbol.iterator](): Iterator<DatasetItem> {
    for (const segment of this.segments) {
      if (!isColumnSegment(segment)) yield* segment.items;
      else for (let i = 0, n = segmentLength(segment); i < n; i++) yield segmentItem(segment, i);
    }
  }

  /** @internal The dataset as columnar runs, when every item is a columnar row (see `DatasetView.columns`). */
  columns(): readonly ColumnRun[] | null {
    const runs: ColumnRun[] = [];
    for (const segment of this.segments) {
      if (!isColumnSegment(segment)) {
        if (segment.items.length > 0) return null;
      } else if (segmentLength(segment) > 0) runs.push(columnRun(segment));
    }
    return runs;
  }

  /**
   * Checks the dataset before training or publishing: Datumaro's classification label checks
   * (missing, multiple and undefined labels, labels without items, few samples, imbalance) plus
   * missing and unusually sized images, and exact and near-duplicate images within and across
   * subsets (64-bit DCT pHash, Hamming distance <= `threshold`, default 8). See `ValidateOptions`.
   */
  validate(options?: ValidateOptions): ValidationReport {
    return validateDataset(this, options, this.checksums);
  }

  private readonly checksums: readonly FileChecksum[] | null;

  /**
   * The md5s that an import with `checksums: true` took (files with an official CIFAR name,
   * sorted by path); null otherwise, and for datasets made by filter, transform or merge.
   */
  get fileChecksums(): readonly FileChecksum[] | null {
    return this.checksums;
  }

  private readonly warnings: readonly ImportWarning[];

  /**
   * What `importFrom` worked around without failing, e.g. a CIFAR batch naming one file twice
   * (every item is kept; the later ones get new ids, see `ImportWarning.renamedTo`). Empty for
   * datasets not made by `importFrom` (filter, transform and merge results included).
   */
  get importWarnings(): readonly ImportWarning[] {
    return this.warnings;
  }

  private static fromParts(parts: DatasetParts, format: FormatName | null, infos: DatasetInfos): Dataset {
    return new Dataset(segmentsOf(parts.items), parts.labels, parts.subsets, format, infos);
  }

  /**
   * The items (or annotations) an XPath 1.0 expression selects in Datumaro's XML view of each
   * item (see `itemToXml`), as `datum filter -e <xpath> -m <mode>`:
   * `ds.filter('/item[annotation/label="dog"]')`, `ds.filter('/item/annotation[label="dog"]', { mode: 'i+a' })`.
   * Or the items a function keeps (in modes 'a' and 'i+a' it is called per annotation).
   * Label categories are kept; items and images are shared with this dataset, not copied.
   */
  filter(xpath: string, options?: FilterOptions): Dataset;
  filter(predicate: ItemPredicate, options?: { mode?: 'i' | 'items' }): Dataset;
  filter(predicate: AnnotationPredicate, options: { mode: Exclude<FilterMode, 'i' | 'items'> }): Dataset;
  filter(filter: string | ItemPredicate | AnnotationPredicate, options: FilterOptions = {}): Dataset {
    return Dataset.fromParts(filterDataset(this, filter, options), this.format, this.infos);
  }

  /**
   * A transformed dataset, by Datumaro's transform names: `remap_labels`, `rename`,
   * `random_split`, `map_subsets`, `remove_items`, `remove_images`, `remove_annotations`,
   * `remove_attributes`, `reindex`, `sort`, `id_from_image_name`, `project_labels`, `resize`,
   * `split`, `random_sampler`, `label_random_sampler`, `ndr`, `correct`, and cifarkit's
   * `remove_duplicates` (options: see their `*Options` types; `parseTransformArgs` turns a
   * Datumaro command line into options). Images are shared, never copied (`resize` makes new ones).
   */
  transform<N extends TransformName>(name: N, ...options: {} extends TransformOptionsMap[N] ? [options?: TransformOptionsMap[N]] : [options: TransformOptionsMap[N]]): Dataset {
    return Dataset.fromParts(applyTransform(this, name, options[0] ?? {}), this.format, this.infos);
  }

  /**
   * The union of datasets: label categories joined by name (the first dataset's order, then new
   * names), every annotation re-indexed by name, items matched by (subset, id). Two items with
   * the same key that are identical (labels, attributes, image size and pixels) become one; if
   * not, the first is kept and the pair is listed in `conflicts`. Images are shared.
   *
   * @example
   * ```ts
   * import { Dataset } from 'cifarkit';
   *
   * const cifar = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
   * const extra = cifar.transform('map_subsets', { mapping: { test_batch: 'extra' } });
   * const { dataset, conflicts } = Dataset.merge(cifar, extra);
   * if (conflicts.length > 0) console.warn(`${conflicts.length} items differ; the first dataset's were kept`);
   * console.log(dataset.subsets(), dataset.size); // [ 'data_batch_1', 'test_batch', 'extra' ] 9
   * ```
   */
  static merge(...datasets: Dataset[]): MergeResult {
    datasets.forEach((ds, i) => {
      if (!(ds instanceof Dataset)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `Dataset.merge takes datasets; argument ${i} is not one`);
    });
    const merged = mergeDatasets(datasets);
    const formats = new Set(datasets.map((ds) => ds.format));
    // infos: the first dataset's value of each name wins, as items do
    // spread-ok: the datasets given to merge (its own arguments)
    const infos = Object.freeze(Object.assign({}, ...datasets.map((ds) => ds.infos).reverse()) as Record<string, unknown>);
    const dataset = Dataset.fromParts(merged, formats.size === 1 ? datasets[0]!.format : null, infos);
    return Object.freeze({ dataset, conflicts: Object.freeze([...merged.conflicts]) });
  }
}
