/** `map_subsets`: rename subsets (Datumaro's MapSubsets). */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { inSubset, uniqueResults } from './items.js';
import { checkKeys, invalid, isString, pair, pairList, repeated, type TransformEntry } from './options.js';

/**
 * `map_subsets`: rename subsets (several may be joined into one).
 *
 * @example
 * ```ts
 * import { Dataset, type MapSubsetsOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: MapSubsetsOptions = { mapping: { data_batch_1: 'train', test_batch: 'test' } };
 * console.log(ds.transform('map_subsets', options).subsets()); // [ 'train', 'test' ]
 * ```
 */
export interface MapSubsetsOptions {
  /** Old subset name -> new name ('' means 'default'). Subsets not listed keep their name. */
  mapping: Record<string, string> | readonly (readonly [string, string])[];
}

function mapSubsets(dataset: DatasetView, options: MapSubsetsOptions): DatasetParts {
  const T = 'map_subsets';
  checkKeys(T, options, ['mapping']);
  if (options.mapping === undefined) throw invalid(T, 'mapping', "is required: { mapping: { old: 'new' } }");
  // '' is Datumaro's "no subset", which it names 'default'.
  const mapping = new Map(pairList(T, 'mapping', options.mapping, isString, 'subset name').map(([k, v]) => [k, v || 'default']));
  const items = uniqueResults(T, [...dataset].map((item) => inSubset(item, mapping.get(item.subset) ?? item.subset)));
  const order = dataset.subsets().map((s) => mapping.get(s) ?? s);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(order, items) };
}

export const MAP_SUBSETS: TransformEntry = {
  summary: 'Renames subsets (several may be joined into one).',
  run: mapSubsets as TransformEntry['run'],
  args: [repeated('-s --subset', 'mapping', pair('<src>:<dst>'), 'rename subset src to dst (repeatable)')],
};
