/** `random_split`: all items split anew at random, by ratios (Datumaro's RandomSplit). */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { inSubset, uniqueResults } from './items.js';
import { checkKeys, checkRatios, int, invalid, option, randomSeed, RATIO_PAIR, ratioList, repeated, show, type TransformEntry } from './options.js';
import { PythonRandom } from './python-random.js';

/**
 * `random_split`: join all subsets and split the items anew at random.
 *
 * @example
 * ```ts
 * import { Dataset, type RandomSplitOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: RandomSplitOptions = { splits: { train: 0.8, test: 0.2 }, seed: 42 }; // Datumaro's split for seed 42
 * console.log(ds.transform('random_split', options).getSubset('train').length); // 4
 * ```
 */
export interface RandomSplitOptions {
  /**
   * Subset name -> ratio, ratios in [0, 1] summing to 1 (± 1e-6). Default `{ train: 0.67, test: 0.33 }`.
   * Subset `k` gets `floor(n * (r_0 + ... + r_k)) - floor(n * (r_0 + ... + r_{k-1}))` items, the last
   * one the rest (Datumaro's rule).
   */
  splits?: Record<string, number> | readonly (readonly [string, number])[];
  /**
   * An integer; the same seed gives the same split (the same as Datumaro's, which shuffles with
   * Python's `random.seed(seed)` + `random.shuffle`: this is the same Mersenne Twister). Default:
   * a random seed.
   */
  seed?: number;
}

/** Which split (index into `splits`) each of `n` items goes to, as Datumaro's RandomSplit. */
export function randomSplitAssignment(n: number, ratios: readonly number[], seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  new PythonRandom(seed).shuffle(order);
  const assignment = new Array<number>(n);
  let sum = 0;
  let lower = 0;
  ratios.forEach((ratio, split) => {
    sum += ratio;
    const upper = split === ratios.length - 1 ? n : Math.trunc(sum * n);
    for (let p = lower; p < upper; p++) assignment[order[p]!] = split;
    lower = upper;
  });
  return assignment;
}

const DEFAULT_SPLITS: [string, number][] = [
  ['train', 0.67],
  ['test', 0.33],
];

function randomSplit(dataset: DatasetView, options: RandomSplitOptions): DatasetParts {
  const T = 'random_split';
  checkKeys(T, options, ['splits', 'seed']);
  // A list may name a subset twice (Datumaro allows it; the parts add up).
  const splits = options.splits === undefined ? DEFAULT_SPLITS : ratioList(T, 'splits', options.splits);
  if (splits.length === 0) throw invalid(T, 'splits', 'must name at least one subset');
  checkRatios(T, 'splits', splits);
  const total = splits.reduce((s, [, r]) => s + r, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw invalid(T, 'splits', `has ratios that sum to ${total}, not 1: ${splits.map(([n, r]) => `${n}:${r}`).join(', ')}`);
  }
  let seed = options.seed;
  if (seed === undefined) seed = randomSeed();
  else if (!Number.isSafeInteger(seed)) throw invalid(T, 'seed', `must be an integer, got ${show(seed)}`);

  const source = [...dataset];
  const assignment = randomSplitAssignment(source.length, splits.map(([, r]) => r), seed);
  const items = uniqueResults(T, source.map((item, i) => inSubset(item, splits[assignment[i]!]![0])));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(splits.map(([n]) => n), items) };
}

export const RANDOM_SPLIT: TransformEntry = {
  summary: 'Joins all subsets and splits the items anew at random, by ratios.',
  run: randomSplit as TransformEntry['run'],
  args: [
    repeated('-s --subset', 'splits', RATIO_PAIR, 'a subset and its share, ratios summing to 1 (repeatable; default: train:.67, test:.33)'),
    option('--seed', 'seed', int(), 'random seed (the same split as Datumaro for the same seed)'),
  ],
};
