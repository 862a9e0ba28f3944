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

export interface DatasetFormat {
  readonly name: string;
  /** Whether the source looks like this format (cheap: no full read). */
  detect(source: DatasetSource): Promise<boolean>;
  /** Reads the dataset; throws a CifarkitError on bad input. */
  import(source: DatasetSource): Promise<ImportedDataset>;
}
