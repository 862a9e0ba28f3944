/** `reindex`: new item ids 1, 2, 3, ... in dataset order (Datumaro's Reindex). */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { uniqueResults, withItem } from './items.js';
import { checkKeys, flag, int, invalid, option, optionalInt, show, type TransformEntry } from './options.js';

/**
 * `reindex`: new item ids 1, 2, 3, ... in dataset order.
 *
 * @example
 * ```ts
 * import { Dataset, type ReindexOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ReindexOptions = { start: 0, eachSubset: true }; // 0, 1, 2, ... in each subset
 * console.log([...ds.transform('reindex', options)].map((item) => item.id)); // [ '0', '0', '1', '2', '3' ]
 * ```
 */
export interface ReindexOptions {
  /** The first id (default 1, as Datumaro); any integer. */
  start?: number;
  /**
   * Count each subset from `start` on its own (cifarkit's; Datumaro 1.9.1's reindex numbers all
   * subsets in one sequence and has no such option).
   */
  eachSubset?: boolean;
}

function reindex(dataset: DatasetView, options: ReindexOptions): DatasetParts {
  const T = 'reindex';
  checkKeys(T, options, ['start', 'eachSubset']);
  const start = optionalInt(T, 'start', options.start) ?? 1;
  if (options.eachSubset !== undefined && typeof options.eachSubset !== 'boolean') throw invalid(T, 'eachSubset', `must be a boolean, got ${show(options.eachSubset)}`);
  const next = new Map<string, number>();
  let shared = start;
  const pairs = [...dataset].map((item) => {
    let n: number;
    if (options.eachSubset) {
      n = next.get(item.subset) ?? start;
      next.set(item.subset, n + 1);
    } else n = shared++;
    return [item, withItem(item, { id: String(n) })] as const;
  });
  const items = uniqueResults(T, pairs);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const REINDEX: TransformEntry = {
  summary: 'Replaces item ids with sequential numbers (from --start, default 1), in dataset order.',
  run: reindex as TransformEntry['run'],
  args: [
    option('-s --start', 'start', int(), 'the first id (default 1)'),
    flag('--reindex-each-subset', 'eachSubset', "number each subset from --start on its own (cifarkit's; not in Datumaro 1.9.1)"),
  ],
};
