/** The model's read-only view of a dataset: what exporters, validators and transforms read. */
import type { LabelCategories } from './annotations.js';
import type { DatasetItem } from './item.js';
import type { ColumnRun } from './columns.js';

/**
 * The order of the colour planes in a CIFAR file: 'rgb' (the CIFAR convention, torchvision,
 * the original files) or 'bgr' (what Datumaro writes for images it loaded from PNG/JPEG).
 *
 * @example
 * ```ts
 * import { Dataset, type ChannelOrder } from 'cifarkit';
 *
 * const channelOrder: ChannelOrder = 'bgr';
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', { channelOrder });
 * console.log(ds.size); // 5
 * ```
 */
export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Dataset-level facts a format keeps for a later export (Datumaro's `infos`): name -> value.
 *
 * @example
 * ```ts
 * import { Dataset, type DatasetInfos } from 'cifarkit';
 *
 * const infos: DatasetInfos = (await Dataset.importFrom('cifar-10-batches-py', 'cifar')).infos;
 * console.log(infos.batch_labels); // { data_batch_1: 'training batch 1 of 5', test_batch: 'testing batch 1 of 1' }
 * ```
 */
export type DatasetInfos = Readonly<Record<string, unknown>>;

/**
 * The read-only view of a dataset that exporters, {@link validateDataset}, {@link datasetStatistics}
 * and {@link renderMosaic} read; a {@link Dataset} is one.
 *
 * @example
 * ```ts
 * import { Dataset, type DatasetView } from 'cifarkit';
 *
 * const view: DatasetView = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * console.log(view.subsets(), view.getSubset('test_batch').length); // [ 'data_batch_1', 'test_batch' ] 4
 * ```
 */
export interface DatasetView extends Iterable<DatasetItem> {
  /** The label categories the annotations index into. */
  readonly labels: LabelCategories;
  /** The number of items. */
  readonly size: number;
  /** Dataset-level facts from the import (see {@link DatasetInfos}); absent: none. */
  readonly infos?: DatasetInfos;
  /** The subset names, in the order their first items appear. */
  subsets(): string[];
  /** The items of one subset, in dataset order (empty for an unknown name). */
  getSubset(name: string): DatasetItem[];
  /**
   * @internal The dataset as columnar runs in dataset order when every item is a row of a
   * columnar subset (see model/columns.ts); null when any is not. Absent: never columnar.
   */
  columns?(): readonly ColumnRun[] | null;
}

