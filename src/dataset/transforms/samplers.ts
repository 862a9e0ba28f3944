/**
 * `random_sampler` and `label_random_sampler` (Datumaro's plugins/sampler/random_sampler.py),
 * with CPython's `random.Random(seed)`: the same seed and item order keep the same items.
 */
import type { DatasetView } from '../../model/view.js';
import type { DatasetItem } from '../../model/item.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { key } from './items.js';
import { checkKeys, int, invalid, isNumber, option, optionalInt, optionalSubset, pairList, randomSeed, repeated, show, text, type TransformEntry, type ValueType } from './options.js';
import { projectLabels } from './project-labels.js';
import { PythonRandom } from './python-random.js';

/**
 * `random_sampler`: at most `count` items, chosen uniformly at random.
 *
 * @example
 * ```ts
 * import { Dataset, type RandomSamplerOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: RandomSamplerOptions = { count: 2, subset: 'test_batch', seed: 7 }; // 2 test items, the rest kept
 * console.log(ds.transform('random_sampler', options).size); // 3
 * ```
 */
export interface RandomSamplerOptions {
  /** At most this many items are kept (all when there are fewer). */
  count: number;
  /** Sample only this subset and keep the others whole (default: sample the whole dataset). */
  subset?: string;
  /** Python's `random.seed`; any integer (default: random). */
  seed?: number;
}

/**
 * `label_random_sampler`: per subset, `count` items of each label, chosen at random.
 *
 * @example
 * ```ts
 * import { Dataset, type LabelRandomSamplerOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: LabelRandomSamplerOptions = { count: 1, labelCounts: { cat: 0 }, seed: 7 }; // 1 per label, no cats
 * console.log([...ds.transform('label_random_sampler', options).labels].map((l) => l.name)); // [ 'airplane', 'automobile', 'bird' ]
 * ```
 */
export interface LabelRandomSamplerOptions {
  /** Per subset, keep at least this many items of each label (as far as there are). */
  count?: number;
  /** Per-label counts that override `count`; a label with count 0 (or none and no `count`) is removed. */
  labelCounts?: Record<string, number> | readonly (readonly [string, number])[];
  /** Python's `random.seed`; any integer (default: random). */
  seed?: number;
}

function seedOf(T: string, value: unknown): number {
  if (value === undefined) return randomSeed();
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(T, 'seed', `must be an integer, got ${show(value)}`);
  return value;
}

function randomSampler(dataset: DatasetView, options: RandomSamplerOptions): DatasetParts {
  const T = 'random_sampler';
  checkKeys(T, options, ['count', 'subset', 'seed']);
  const count = optionalInt(T, 'count', options.count, 0);
  if (count === undefined) throw invalid(T, 'count', 'is required: { count: 100 }');
  const subset = optionalSubset(T, 'subset', options.subset) || undefined; // Datumaro: an empty name means the whole dataset
  const rng = new PythonRandom(seedOf(T, options.seed));
  const all = [...dataset];
  const pool = subset === undefined ? all : all.filter((item) => item.subset === subset);
  const picked = new Set(rng.sampleRange(pool.length, Math.min(count, pool.length)).map((i) => pool[i]!));
  const items = all.filter((item) => picked.has(item) || (subset !== undefined && item.subset !== subset));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

function labelRandomSampler(dataset: DatasetView, options: LabelRandomSamplerOptions): DatasetParts {
  const T = 'label_random_sampler';
  checkKeys(T, options, ['count', 'labelCounts', 'seed']);
  const count = optionalInt(T, 'count', options.count, 0) ?? 0;
  const perLabel = new Map(options.labelCounts === undefined ? [] : pairList(T, 'labelCounts', options.labelCounts, isNumber, 'count'));
  for (const [name, n] of perLabel) if (!Number.isSafeInteger(n) || n < 0) throw invalid(T, 'labelCounts', `has the count ${n} for '${name}': counts are integers >= 0`);
  if (!count && ![...perLabel.values()].some((n) => n > 0)) throw invalid(T, 'count', 'or labelCounts must ask for at least one item');
  const rng = new PythonRandom(seedOf(T, options.seed));

  // The labels with a count, in their order; annotations of the others go (Datumaro projects the labels first).
  const wanted = dataset.labels.items.map((l) => l.name).filter((name) => (perLabel.get(name) ?? count) > 0);
  const limits = wanted.map((name) => perLabel.get(name) ?? count);
  const projected = projectLabels(dataset, { labels: wanted }, T);

  // Reservoir sampling per (subset, label); `i` counts every item of the dataset, as Datumaro's.
  const buckets = new Map<string, DatasetItem[][]>();
  projected.items.forEach((item, i) => {
    const labels = [...new Set(item.annotations.map((a) => a.label))].sort((a, b) => a - b);
    for (const label of labels) {
      let subsetBuckets = buckets.get(item.subset);
      if (!subsetBuckets) buckets.set(item.subset, (subsetBuckets = limits.map(() => [])));
      const bucket = subsetBuckets[label]!;
      if (bucket.length < limits[label]!) bucket.push(item);
      else {
        const j = rng.randint(1, i);
        if (j <= limits[label]!) bucket[j - 1] = item;
      }
    }
  });
  const selected = new Map<string, DatasetItem>();
  for (const subsetBuckets of buckets.values()) {
    for (const bucket of subsetBuckets) for (const item of bucket) if (!selected.has(key(item.subset, item.id))) selected.set(key(item.subset, item.id), item);
  }
  const items = [...selected.values()];
  return { items, labels: projected.labels, subsets: presentSubsets(dataset.subsets(), items) };
}

const SEED_ARG = option('--seed', 'seed', int(), "Python's random seed (the same items as Datumaro for the same seed and item order)");

/** `<label>:<count>`: a label name (up to the first ':') and an integer >= 0. */
const LABEL_COUNT: ValueType = {
  metavar: '<label>:<count>',
  parse: (v) => {
    const at = v.indexOf(':');
    if (at <= 0) throw `expected '<label>:<count>' with a label name, got '${v}'`;
    const n = v.slice(at + 1);
    if (!/^\s*[+]?\d+\s*$/.test(n)) throw `the count of '${v.slice(0, at)}' must be an integer >= 0, got '${n}'`;
    return [v.slice(0, at), Number(n)];
  },
};

export const RANDOM_SAMPLER: TransformEntry = {
  summary: 'Keeps at most --count items, chosen uniformly at random (in one subset with --subset).',
  run: randomSampler as TransformEntry['run'],
  args: [
    option('-k --count', 'count', int(0), 'the most items to keep (required)'),
    option('-s --subset', 'subset', text('<subset>'), 'sample only this subset, keep the others (default: the whole dataset)'),
    SEED_ARG,
  ],
};

export const LABEL_RANDOM_SAMPLER: TransformEntry = {
  summary: 'Keeps, per subset, at least --count items of each label (as far as there are), chosen at random; labels with count 0 are removed.',
  run: labelRandomSampler as TransformEntry['run'],
  args: [
    option('-k --count', 'count', int(0), 'items per label and subset'),
    repeated('-l --label', 'labelCounts', LABEL_COUNT, 'a count for one label, overriding --count (repeatable)'),
    SEED_ARG,
  ],
};
