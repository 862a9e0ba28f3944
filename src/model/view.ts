/** The model's read-only view of a dataset: what exporters, validators and transforms read. */
import type { LabelCategories } from './annotations.js';
import type { DatasetItem } from './item.js';

/**
 * The order of the colour planes in a CIFAR file: 'rgb' (the CIFAR convention, torchvision,
 * the original files) or 'bgr' (what Datumaro writes for images it loaded from PNG/JPEG).
 */
export type ChannelOrder = 'rgb' | 'bgr';

/** Dataset-level facts a format keeps for a later export (Datumaro's `infos`): name -> value. */
export type DatasetInfos = Readonly<Record<string, unknown>>;

/** The read-only view of a dataset that exporters get. */
export interface DatasetView extends Iterable<DatasetItem> {
  readonly labels: LabelCategories;
  readonly size: number;
  /** Dataset-level facts from the import (see {@link DatasetInfos}); absent: none. */
  readonly infos?: DatasetInfos;
  subsets(): string[];
  getSubset(name: string): DatasetItem[];
}

