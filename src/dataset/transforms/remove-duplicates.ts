/** `remove_duplicates` (cifarkit's): exact and near-duplicate images removed, as `validate` finds them. */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { duplicatesToDrop } from '../../validate/duplicates.js';
import { checkKeys, int, option, optionalSubset, text, type TransformEntry } from './options.js';

/**
 * `remove_duplicates` (cifarkit's): drop exact and near-duplicate images, as `validate` finds them.
 *
 * @example
 * ```ts
 * import { Dataset, type RemoveDuplicatesOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: RemoveDuplicatesOptions = { keep: 'data_batch_1', threshold: 0 }; // exact copies only; keep the train copy
 * console.log([...ds.transform('remove_duplicates', options)].map((item) => item.id)); // [ 'image_1', 'image_5' ]
 * ```
 */
export interface RemoveDuplicatesOptions {
  /**
   * Of each group of duplicates (items joined by duplicate pairs), keep the first item in this
   * subset; without it (or when no item of the group is in it), the first item in dataset order.
   */
  keep?: string;
  /** Hamming threshold of the pHashes, 0-64 (default 8, as `validate`); 0 drops exact and pHash-identical images only. */
  threshold?: number;
}

function removeDuplicates(dataset: DatasetView, options: RemoveDuplicatesOptions): DatasetParts {
  const T = 'remove_duplicates';
  checkKeys(T, options, ['keep', 'threshold']);
  const keep = optionalSubset(T, 'keep', options.keep);
  const all = [...dataset];
  const drop = duplicatesToDrop(all, options.threshold, keep, T);
  const items = all.filter((_, i) => !drop.has(i));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const REMOVE_DUPLICATES: TransformEntry = {
  summary: 'Removes exact and near-duplicate images (pHash, as validate finds them), keeping one of each group.',
  run: removeDuplicates as TransformEntry['run'],
  args: [
    option('--keep', 'keep', text('<subset>'), 'keep the copy in this subset (default: the first in dataset order)'),
    option('--threshold', 'threshold', int(0, 64, '<bits>'), 'Hamming distance 0-64 of near-duplicates (default 8)'),
  ],
};
