/** What a dataset format plugs into cifarkit. */
import type { DatasetItem } from '../model/item.js';
import type { ColumnarSubset } from '../model/columns.js';
import type { ImportWarning } from '../warnings.js';
import type { DatasetSource, ExportedFile } from '../sources/file-tree.js';
import type { ChannelOrder, DatasetInfos, DatasetView } from '../model/view.js';
import type { LabelCategories } from '../model/annotations.js';
import type { ImageEncoder } from '../image/encoder-pool.js';


export interface ImportedDataset {
  labels: LabelCategories;
  items: DatasetItem[];
  /** The dataset in order as columnar subsets and item runs (see model/columns.ts), instead of `items` (then empty). */
  parts?: (ColumnarSubset | DatasetItem[])[];
  /** Subset names in the order the format defines. */
  subsets: string[];
  /** What the source's files hold beyond items and labels (CIFAR: the meta fields, see cifar/export.ts). */
  infos?: DatasetInfos;
  /** What the import worked around (duplicate ids, ...): nothing was dropped. */
  warnings?: ImportWarning[];
}

/** Options an importer may honour (checked by `Dataset.importFrom`). */
/** The items of an import, in order (a columnar part's items are made, and cached, here). */
export function importedItems(imported: ImportedDataset): DatasetItem[] {
  if (!imported.parts) return imported.items;
  const out: DatasetItem[] = [];
  for (const part of imported.parts) {
    if (Array.isArray(part)) for (const item of part) out.push(item);
    else for (let i = 0; i < part.length; i++) out.push(part.item(i));
  }
  return out;
}

export interface FormatImportOptions {
  /** The plane order of the source's pixels; only formats with `channelOrder: true` accept 'bgr'. */
  channelOrder?: ChannelOrder;
}

/**
 * The names of the formats cifarkit reads (all of them) and writes (all but none): Datumaro's
 * format names, plus `cifar_binary` and `hf_parquet` for the other CIFAR distributions.
 *
 * @example
 * ```ts
 * import { Dataset, type FormatName } from 'cifarkit';
 *
 * const format: FormatName = 'cifar';
 * console.log((await Dataset.importFrom('cifar-10-batches-py', format)).format); // cifar
 * ```
 */
export type FormatName = 'cifar' | 'cifar_binary' | 'hf_parquet' | 'imagenet' | 'imagenet_with_subset_dirs' | 'imagenet_txt' | 'mnist';

/**
 * Options every exporter understands (names as in Datumaro's exporters). Each format's own
 * options extend these: see `ExportOptionsMap`.
 *
 * @example
 * ```ts
 * import { Dataset, type ExportOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const written: string[] = [];
 * const options: ExportOptions = { saveMedia: false, saveDatasetMeta: true, onFile: (path) => written.push(path) };
 * await ds.exportToFiles('imagenet_txt', options);
 * console.log(written); // [ 'data_batch_1.txt', 'test_batch.txt', 'dataset_meta.json' ]
 * ```
 */
export interface ExportOptions {
  /** Write the images (default true). */
  saveMedia?: boolean;
  /** Image file extension ('.png', '.jpg', ...); default: the one the item's source names, else the format's. */
  imageExt?: string;
  /** Also write dataset_meta.json with the label names (default false). */
  saveDatasetMeta?: boolean;
  /** Replace a non-empty output folder (default false: refused). Used by `Dataset.export`. */
  overwrite?: boolean;
  /**
   * `Dataset.export` and `exportToFiles`: threads that encode images (PNG/JPEG) in parallel
   * (worker_threads in Node and Deno, Web Workers in browsers), 1 for none.
   * Default: the cores this process may use, for datasets of at least 256 images (1 below that,
   * where starting threads costs more than it saves). The files are byte-identical either way.
   */
  workers?: number;
  /** Called after each file is produced (with `Dataset.export`: handed to the writer), e.g. for a progress bar. */
  onFile?: (path: string) => void;
}

/**
 * The options of the formats that write image files (imagenet, imagenet_with_subset_dirs, imagenet_txt, hf_parquet).
 *
 * @example
 * ```ts
 * import { Dataset, type ImageExportOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ImageExportOptions = { imageExt: '.jpg', jpegQuality: 90 };
 * const files = await ds.exportToFiles('imagenet', options);
 * console.log([...files.keys()][0]); // airplane/image_1.jpg
 * ```
 */
export interface ImageExportOptions extends ExportOptions {
  /** JPEG quality 1..100 for '.jpg'/'.jpeg' images (default `JPEG_QUALITY`, 95). */
  jpegQuality?: number;
}

/** @internal What `Dataset.export` hands an exporter beside the options: not a user's option. */
export interface ExportContext {
  /** Encodes images on other threads when the export made a pool (`workers`); absent: inline. */
  readonly encoder?: ImageEncoder;
}

export interface DatasetFormat {
  readonly name: FormatName;
  /** Whether the source looks like this format (cheap: no full read). */
  detect(source: DatasetSource): Promise<boolean>;
  /** Whether the importer and exporter take `channelOrder: 'bgr'` (planar pixels whose plane order is a choice). */
  readonly channelOrder?: boolean;
  /** Reads the dataset; throws a CifarkitError on bad input. */
  import(source: DatasetSource, options?: FormatImportOptions): Promise<ImportedDataset>;
  /** Writes the dataset as files, one at a time (so a writer can stream them to disk). */
  export?(dataset: DatasetView, options: ExportOptions, context: ExportContext): AsyncIterable<ExportedFile>;
}
