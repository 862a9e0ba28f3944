/**
 * `ndr`: near-duplicate removal in one subset, with Datumaro's options and its sampling
 * (plugins/ndr.py), on cifarkit's duplicate search (64-bit DCT pHash, as `validate`).
 *
 * What is Datumaro's: the working and duplicated subsets, the order in which images are visited
 * (numpy's `permutation` after the draws of Datumaro's projection matrix, so the same seed visits
 * the same order), keeping the first visited image of each duplicate group, and `num_cut` with
 * its over- and under-sampling draws. What is not: Datumaro finds duplicates with its own
 * gradient feature, a random projection hash and a cosine similarity of at least 0.5^(1/50); cifarkit
 * with pHashes at most `threshold` bits apart. Exact copies are duplicates for both; near ones
 * can differ. See docs for the details.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import type { DatasetItem } from '../../model/item.js';
import { findDuplicates } from '../../validate/duplicates.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { withItem } from './items.js';
import { checkKeys, choice, int, invalid, option, optionalChoice, optionalInt, optionalSubset, randomSeed, text, type TransformEntry } from './options.js';
import { NumpyRandomState } from './numpy-random.js';

/**
 * `ndr`: near-duplicate removal in one subset.
 *
 * @example
 * ```ts
 * import { Dataset, type NdrOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: NdrOptions = { workingSubset: 'test_batch', numCut: 2, seed: 1 }; // keep 2 test images
 * console.log(ds.transform('ndr', options).getSubset('test_batch').length); // 2
 * ```
 */
export interface NdrOptions {
  /** The subset to clean (default 'default', as Datumaro). */
  workingSubset?: string;
  /** Where the removed items go (default 'duplicated'). */
  duplicatedSubset?: string;
  /** Datumaro's only algorithm name; cifarkit runs its pHash search under it. */
  algorithm?: 'gradient';
  /** Keep exactly this many images of the working subset (default: all that are not duplicates). */
  numCut?: number;
  /** When `numCut` is more than the images kept: add removed ones at 'random' (default) or by ascending 'similarity'. */
  overSample?: 'random' | 'similarity';
  /** When `numCut` is less: drop kept ones 'uniform'ly (default) or 'inverse' to their hash group size (each image is its own group here). */
  underSample?: 'uniform' | 'inverse';
  /** numpy's seed, 0 to 2**32 - 1 (default: random). Unlike Datumaro, 0 is a seed too, not "random". */
  seed?: number;
  /** cifarkit's: the largest Hamming distance of two pHashes that are duplicates, 0-64 (default 8, as `validate`). */
  threshold?: number;
}

/**
 * The iteration order of CPython's `set(range(n)) - set(kept)` for small non-negative ints
 * (hash(i) == i), `rest` being the difference in ascending order. `set(range(n))` is built by
 * adding, and its table always ends larger than n, so every int sits in its own slot and it
 * iterates in ascending order. The difference copies that table when `n >> 2 > len(kept)`
 * (ascending again); otherwise it adds the survivors, ascending, to a new set, whose smaller table
 * can collide: CPython 3.11's probing (9 linear probes when they fit, then
 * `i = 5i + 1 + perturb`, perturb >>= 5) and resizing (at 3/5 full, to the smallest power of 2
 * above 4 x used) are simulated here.
 */
export function setDifferenceOrder(n: number, keptCount: number, rest: readonly number[]): number[] {
  if (n >> 2 > keptCount) return [...rest];
  const LINEAR_PROBES = 9;
  let table: (number | undefined)[] = new Array(8);
  const insert = (t: (number | undefined)[], key: number): void => {
    const mask = t.length - 1;
    let perturb = key;
    let i = key & mask;
    for (;;) {
      const probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
      for (let j = 0; j <= probes; j++) {
        if (t[i + j] === undefined) {
          t[i + j] = key;
          return;
        }
      }
      perturb = Math.floor(perturb / 32);
      i = (i * 5 + 1 + perturb) & mask;
    }
  };
  let used = 0;
  for (const key of rest) {
    insert(table, key);
    used++;
    if (used * 5 >= (table.length - 1) * 3) {
      let size = 8;
      while (size <= used * 4) size *= 2;
      const bigger: (number | undefined)[] = new Array(size);
      for (const k of table) if (k !== undefined) insert(bigger, k);
      table = bigger;
    }
  }
  return table.filter((k): k is number => k !== undefined);
}

/** The most duplicate pairs ndr holds in memory (about 100 bytes each). */
const MAX_PAIRS = 5_000_000;

/** Doubles Datumaro's `_project` draws before the permutation: `uniform(-1, 1, (768, 768))` (8x8 blocks x 12 features). */
const PROJECTION_DRAWS = 768 * 768;

function ndr(dataset: DatasetView, options: NdrOptions): DatasetParts {
  const T = 'ndr';
  checkKeys(T, options, ['workingSubset', 'duplicatedSubset', 'algorithm', 'numCut', 'overSample', 'underSample', 'seed', 'threshold']);
  const working = optionalSubset(T, 'workingSubset', options.workingSubset) || 'default';
  const duplicated = optionalSubset(T, 'duplicatedSubset', options.duplicatedSubset) ?? 'duplicated';
  if (!dataset.subsets().includes(working)) throw invalid(T, 'workingSubset', `names no subset of the dataset: '${working}' (subsets: ${dataset.subsets().join(', ')})`);
  if (working === duplicated) throw invalid(T, 'duplicatedSubset', `must differ from the working subset '${working}'`);
  optionalChoice(T, 'algorithm', options.algorithm, ['gradient'] as const);
  const numCut = optionalInt(T, 'numCut', options.numCut, 0) || undefined; // Datumaro: 0 means no cut
  const over = optionalChoice(T, 'overSample', options.overSample, ['random', 'similarity'] as const) ?? 'random';
  const under = optionalChoice(T, 'underSample', options.underSample, ['uniform', 'inverse'] as const) ?? 'uniform';
  const seed = optionalInt(T, 'seed', options.seed, 0) ?? randomSeed();
  if (seed > 0xffffffff) throw invalid(T, 'seed', `must be at most 2**32 - 1 (numpy's seeds), got ${seed}`);

  const all = [...dataset];
  const having = all.filter((item) => item.subset === working && item.media !== null);
  if (numCut !== undefined && numCut > having.length) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: numCut ${numCut} is more than the ${having.length} images of subset '${working}'`);
  }
  const search = findDuplicates(having, { threshold: options.threshold, maxPairs: MAX_PAIRS }, T);
  if (search.truncated) {
    throw new UsageError(
      ErrorCode.INVALID_ARGUMENT,
      `${T}: subset '${working}' has more than ${MAX_PAIRS} duplicate pairs at threshold ${search.threshold}; lower --threshold, or remove exact copies first with remove_duplicates --threshold 0`,
    );
  }
  const near: [number, number][][] = having.map(() => []);
  for (const p of search.pairs) {
    near[p.a]!.push([p.b, p.distance]);
    near[p.b]!.push([p.a, p.distance]);
  }

  const rng = new NumpyRandomState(seed);
  rng.skipDoubles(PROJECTION_DRAWS);
  const visit = rng.permutation(having.length);
  const isKept = new Uint8Array(having.length);
  let kept: number[] = [];
  const removed: [index: number, similarity: number][] = [];
  for (const i of visit) {
    let best = -1;
    for (const [j, d] of near[i]!) if (isKept[j] && (best < 0 || d < best)) best = d;
    if (best < 0) {
      isKept[i] = 1;
      kept.push(i);
    } else removed.push([i, 1 - best / 64]);
  }

  if (numCut !== undefined && numCut > kept.length) {
    let extra: number[];
    if (over === 'random') {
      // Datumaro draws from list(set(fidx) - set(kept)), in the order of CPython's set table.
      const pool = setDifferenceOrder(having.length, kept.length, removed.map(([i]) => i).sort((a, b) => a - b));
      extra = rng.choiceWithoutReplacement(pool.length, numCut - kept.length).map((k) => pool[k]!);
    } else {
      extra = removed
        .map((r, at) => [r, at] as const)
        .sort((x, y) => x[0][1] - y[0][1] || x[1] - y[1])
        .slice(0, numCut - kept.length)
        .map(([[i]]) => i);
    }
    kept = kept.concat(extra);
  } else if (numCut !== undefined && numCut < kept.length) {
    // 'inverse' weighs each hash key by 1/its size; without hash keys every image is its own key.
    const p = under === 'inverse' ? kept.map(() => 1 / kept.length) : undefined;
    kept = rng.choiceWithoutReplacement(kept.length, numCut, p).map((k) => kept[k]!);
  }

  const keptIds = new Set(kept.map((i) => having[i]!.id));
  const items = all.map((item): DatasetItem => (item.subset !== working || keptIds.has(item.id) ? item : withItem(item, { subset: duplicated })));
  const order = dataset.subsets().flatMap((s) => (s === working ? [s, duplicated] : [s]));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(order, items) };
}

export const NDR: TransformEntry = {
  summary: 'Moves near-duplicate images of one subset into another (default: duplicated), optionally cutting the subset to --num_cut images.',
  run: ndr as TransformEntry['run'],
  args: [
    option('-w --working_subset', 'workingSubset', text('<subset>'), "the subset to clean (default: 'default')"),
    option('-d --duplicated_subset', 'duplicatedSubset', text('<subset>'), "where removed items go (default: 'duplicated')"),
    option('-a --algorithm', 'algorithm', choice(['gradient']), "Datumaro's algorithm name (cifarkit searches pHashes)"),
    option('-k --num_cut', 'numCut', int(0), 'keep this many images of the subset'),
    option('-e --over_sample', 'overSample', choice(['random', 'similarity']), 'how to add back removed images (default: random)'),
    option('-u --under_sample', 'underSample', choice(['uniform', 'inverse']), 'how to drop kept images (default: uniform)'),
    option('-s --seed', 'seed', int(0), "numpy's seed, 0 to 2**32-1"),
    option('--threshold', 'threshold', int(0, undefined, '<bits>'), "cifarkit's: Hamming distance 0-64 of duplicates (default 8)"),
  ],
};
