/** What a dataset format plugs into cifarkit. */
import type { DatasetItem } from '../model/item.js';
import type { ImportWarning } from '../warnings.js';
import type { DatasetSource, ExportedFile } from '../sources/file-tree.js';
import type { ChannelOrder, DatasetInfos, DatasetView } from '../model/view.js';
import type { LabelCategories } from '../model/annotations.js';

// Until every importer takes them from the model (one home: src/model/view.ts).
export type { ChannelOrder, DatasetInfos, DatasetView } from '../model/view.js';
export type { ExportedFile } from '../sources/file-tree.js';

export interface ImportedDataset {
  labels: LabelCategories;
  items: DatasetItem[];
  /** Subset names in the order the format defines. */
  subsets: string[];
  /** What the source's files hold beyond items and labels (CIFAR: the meta fields, see cifar/export.ts). */
  infos?: DatasetInfos;
  /** What the import worked around (duplicate ids, ...): nothing was dropped. */
  warnings?: ImportWarning[];
}

/** Options an importer may honour (checked by `Dataset.importFrom`). */
export interface FormatImportOptions {
  /** The plane order of the source's pixels; only formats with `channelOrder: true` accept 'bgr'. */
  channelOrder?: ChannelOrder;
}

/** Options every exporter understands (names as in Datumaro's exporters). */
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
  /** Format-specific options. */
  [option: string]: unknown;
}

export interface DatasetFormat {
  readonly name: string;
  /** Whether the source looks like this format (cheap: no full read). */
  detect(source: DatasetSource): Promise<boolean>;
  /** Whether the importer and exporter take `channelOrder: 'bgr'` (planar pixels whose plane order is a choice). */
  readonly channelOrder?: boolean;
  /** Reads the dataset; throws a CifarkitError on bad input. */
  import(source: DatasetSource, options?: FormatImportOptions): Promise<ImportedDataset>;
  /** Writes the dataset as files, one at a time (so a writer can stream them to disk). */
  export?(dataset: DatasetView, options: ExportOptions): AsyncIterable<ExportedFile>;
}
