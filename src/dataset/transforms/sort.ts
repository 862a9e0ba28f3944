/** `sort`: items ordered by id (Datumaro's Sort). */
import type { DatasetView } from '../../model/view.js';
import type { DatasetItem } from '../../model/item.js';
import { compareCodePoints } from '../../strings.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { checkKeys, invalid, option, show, type TransformEntry, type ValueType } from './options.js';

/**
 * `sort`: items ordered by id, or by a key function.
 *
 * @example
 * ```ts
 * import { Dataset, type SortOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: SortOptions = { key: (item) => -Number(item.id.slice('image_'.length)) }; // by number, descending
 * console.log([...ds.transform('sort', options)].map((item) => item.id)); // [ 'image_5', 'image_4', 'image_3', 'image_2', 'image_1' ]
 * ```
 */
export interface SortOptions {
  /**
   * The sort key of an item (default: its id, compared as Python compares strings: by code point).
   * Datumaro's `--key` is a Python expression; here it is a function returning a string or a number.
   */
  key?: (item: DatasetItem) => string | number;
}

function sort(dataset: DatasetView, options: SortOptions): DatasetParts {
  const T = 'sort';
  checkKeys(T, options, ['key']);
  if (options.key !== undefined && typeof options.key !== 'function') throw invalid(T, 'key', `must be a function of an item, got ${show(options.key)}`);
  const keyOf = options.key ?? ((item: DatasetItem) => item.id);
  const keyed = [...dataset].map((item) => {
    const k = keyOf(item);
    if (typeof k !== 'string' && (typeof k !== 'number' || Number.isNaN(k))) throw invalid(T, 'key', `must return a string or a number, got ${show(k)} for item '${item.id}'`);
    return { item, k };
  });
  const kinds = new Set(keyed.map(({ k }) => typeof k));
  if (kinds.size > 1) throw invalid(T, 'key', 'returned both strings and numbers (they do not compare, as in Python)');
  // Array.prototype.sort is stable, as Python's sorted().
  keyed.sort((a, b) => (typeof a.k === 'string' ? compareCodePoints(a.k, b.k as string) : a.k - (b.k as number)));
  const items = keyed.map(({ item }) => item);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

/** Datumaro's `--key`, which cifarkit refuses. */
const PYTHON_EXPRESSION: ValueType = {
  metavar: '<python>',
  parse: () => {
    throw 'is a Python expression in Datumaro, which cifarkit does not evaluate: the command line sorts by id; in the API pass { key: (item) => ... }';
  },
};

export const SORT: TransformEntry = {
  summary: 'Sorts items by id (code point order, as Python); each subset keeps its items in that order.',
  run: sort as TransformEntry['run'],
  args: [option('-k --key', 'key', PYTHON_EXPRESSION, 'not supported: Datumaro evaluates a Python expression; the API takes a key function')],
};
