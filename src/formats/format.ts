/** What a dataset format plugs into cifarkit. */
import type { LabelCategories } from '../dataset/annotations.js';
import type { DatasetItem } from '../dataset/item.js';
import type { DatasetSource } from './file-tree.js';

export interface ImportedDataset {
  labels: LabelCategories;
  items: DatasetItem[];
  /** Subset names in the order the format defines. */
  subsets: string[];
}

/** The read-only view of a dataset that exporters get. */
export interface DatasetView extends Iterable<DatasetItem> {
  readonly labels: LabelCategories;
  readonly size: number;
  subsets(): string[];
  getSubset(name: string): DatasetItem[];
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

/** One output file: a relative '/'-separated path and its bytes (several chunks are written in order). */
export interface ExportedFile {
  path: string;
  /** The bytes, or (images encoded on other threads) a promise of them. */
  data: Uint8Array | readonly Uint8Array[] | Promise<Uint8Array>;
  /**
   * Called by the consumer once it no longer needs `data` (written, or copied): the exporter may
   * then reuse that memory for a later file. A consumer that keeps `data` never calls it.
   */
  release?: () => void;
}

export interface DatasetFormat {
  readonly name: string;
  /** Whether the source looks like this format (cheap: no full read). */
  detect(source: DatasetSource): Promise<boolean>;
  /** Reads the dataset; throws a CifarkitError on bad input. */
  import(source: DatasetSource): Promise<ImportedDataset>;
  /** Writes the dataset as files, one at a time (so a writer can stream them to disk). */
  export?(dataset: DatasetView, options: ExportOptions): AsyncIterable<ExportedFile>;
}
