/** `reindex`: new item ids 1, 2, 3, ... in dataset order (Datumaro's Reindex). */
import type { DatasetView } from '../../formats/format.js';
import { assertUnique, checkKeys, copyLabels, intArg, invalid, optionalInt, presentSubsets, show, withItem, type DatasetParts, type TransformEntry } from './common.js';
import type { DatasetItem } from '../../model/item.js';

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
  const pairs = [...dataset].map((item): [DatasetItem, DatasetItem] => {
    let n: number;
    if (options.eachSubset) {
      n = next.get(item.subset) ?? start;
      next.set(item.subset, n + 1);
    } else n = shared++;
    return [item, withItem(item, { id: String(n) })];
  });
  assertUnique(T, pairs);
  const items = pairs.map(([, out]) => out);
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const REINDEX: TransformEntry = {
  summary: 'Replaces item ids with sequential numbers (from --start, default 1), in dataset order.',
  run: reindex as TransformEntry['run'],
  args: [
    { flags: ['-s', '--start'], key: 'start', metavar: '<int>', help: 'the first id (default 1)', parse: intArg() },
    {
      flags: ['--reindex-each-subset'],
      key: 'eachSubset',
      metavar: '',
      help: "number each subset from --start on its own (cifarkit's; not in Datumaro 1.9.1)",
      flag: true,
      parse: () => true,
    },
  ],
};
