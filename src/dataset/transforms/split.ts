/**
 * `split`: Datumaro's task splitter for classification (plugins/splitter.py, `_ClassificationSplit`),
 * ported with its use of numpy's global `RandomState`: the same seed and item order give the same
 * subsets as Datumaro 1.9.1.
 *
 * The algorithm: items with exactly one label are grouped by label (labels in order of first
 * use), each group is shuffled, then grouped again by its non-numeric label attributes; each
 * attribute group is cut into chunks of `required` items (the smallest item count that the ratios
 * divide: 10 for .7/.2/.1) that are split by the ratios, the leftovers pooled and split the same
 * way, the last leftovers split at the end. Unlabelled and multi-labelled items are shuffled and
 * fill each subset up to its share of the whole dataset.
 */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import type { DatasetItem } from '../../model/item.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { inSubset, uniqueResults } from './items.js';
import { checkKeys, checkRatios, choice, int, invalid, option, optionalChoice, randomSeed, RATIO_PAIR, ratioList, repeated, show, type TransformEntry } from './options.js';
import { NumpyRandomState } from './numpy-random.js';

/**
 * `split`: Datumaro's classification splitter (each label keeps its share in every subset).
 *
 * @example
 * ```ts
 * import { Dataset, type SplitOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: SplitOptions = { splits: { train: 0.5, test: 0.5 }, seed: 0 };
 * console.log(ds.transform('split', options).subsets()); // [ 'train', 'test' ]
 * ```
 */
export interface SplitOptions {
  /** Datumaro's `-t`: only 'classification' (the default) applies to classification data. */
  task?: 'classification';
  /** Subset name -> ratio, summing to 1 (± 1e-7); default `{ train: 0.5, val: 0.2, test: 0.3 }` (Datumaro's). */
  splits?: Record<string, number> | readonly (readonly [string, number])[];
  /** numpy's seed, an integer in [0, 2**32 - 1]; default: random. */
  seed?: number;
}

const NEAR_ZERO = 1e-7;
/** Datumaro's split tasks; only the first applies to labels. */
const TASKS = ['classification', 'detection', 'segmentation', 'reid'] as const;
const DEFAULT_SPLITS: [string, number][] = [
  ['train', 0.5],
  ['val', 0.2],
  ['test', 0.3],
];

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

/** numpy's `around` of a double: to the nearest integer, halves to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `_get_required`: the smallest chunk the ratios split into whole items. */
function required(T: string, ratios: readonly number[]): number {
  if (ratios.length < 2) return 1;
  let ints: number[] = [];
  for (const scale of [10, 100]) {
    const f = ratios.map((r) => r * scale);
    ints = f.map((v) => Math.trunc(v));
    if (ints.every((v, i) => v === f[i])) break;
  }
  const divisor = ints.slice(1).reduce(gcd, ints[0]!);
  if (divisor === 0) throw invalid(T, 'splits', `has ratios too fine to split by (each below 0.01: ${ratios.join(', ')})`);
  return ints.reduce((s, v) => s + Math.trunc(v / divisor), 0);
}

/** `_get_sections`: item counts per subset for `size` items, no subset with a ratio left empty when it can borrow. */
function sectionCounts(size: number, ratios: readonly number[]): number[] {
  const counts = ratios.slice(0, -1).map((r) => roundHalfEven(size * r));
  counts.push(size - counts.reduce((s, v) => s + v, 0));
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0 && ratios[i]! > NEAR_ZERO) {
      let m = 0;
      for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[m]!) m = k;
      if (counts[m]! > 0) {
        counts[i]!++;
        counts[m]!--;
      }
    }
  }
  return counts;
}

/** `np.array_split(list, cumsum(counts[:-1]))`: Python slices between the running sums. */
function splitAt<T>(list: readonly T[], counts: readonly number[]): T[][] {
  const parts: T[][] = [];
  let at = 0;
  for (let k = 0; k < counts.length; k++) {
    const end = k === counts.length - 1 ? list.length : at + Math.max(0, counts[k]!);
    parts.push(list.slice(Math.min(at, list.length), Math.max(at, end)));
    at = end;
  }
  return parts;
}

/** Datumaro's `_is_float`: a float, or a string that is one as Python writes floats ('1.5', not '1'). */
function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isInteger(value);
  if (typeof value !== 'string') return false;
  const f = Number(value);
  if (value.trim() === '' || Number.isNaN(f)) return false;
  const py = Number.isInteger(f) && Math.abs(f) < 1e16 ? `${f}.0` : String(f);
  return py === value;
}

function attributeKey(attributes: Record<string, unknown>): string {
  const kept = Object.entries(attributes)
    .filter(([, v]) => !isNumeric(v))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(kept);
}

/** Which subset (index into `names`) each item goes to; -1: none ('default', as in Datumaro). */
export function classificationSplit(items: readonly DatasetItem[], names: readonly string[], ratios: readonly number[], seed: number, T = 'split'): number[] {
  const rng = new NumpyRandomState(seed);
  const need = required(T, ratios);
  const bySplit: number[][] = names.map(() => []);
  const splitIndices = (indices: readonly number[]): void => {
    splitAt(indices, sectionCounts(indices.length, ratios)).forEach((part, k) => {
      for (const i of part) bySplit[k]!.push(i);
    });
  };

  // 1. Items with one label, grouped by label in order of first use; the rest apart.
  const byLabel = new Map<number, [number, DatasetItem][]>();
  const unlabeled: number[] = [];
  items.forEach((item, i) => {
    const labels = item.annotations.filter((a) => a.type === 'label');
    if (labels.length !== 1) {
      unlabeled.push(i);
      return;
    }
    const label = labels[0]!.label;
    let group = byLabel.get(label);
    if (!group) byLabel.set(label, (group = []));
    group.push([i, item]);
  });

  // 2. Per label: shuffle, group by attributes (shuffled), cut into chunks of `need`.
  let rest: number[] = [];
  for (const group of byLabel.values()) {
    rng.shuffle(group);
    const byAttr = new Map<string, number[]>();
    for (const [i, item] of group) {
      const k = attributeKey(item.annotations.find((a) => a.type === 'label')!.attributes);
      let list = byAttr.get(k);
      if (!list) byAttr.set(k, (list = []));
      list.push(i);
    }
    const combinations = [...byAttr.keys()];
    rng.shuffle(combinations);
    for (const combination of combinations) {
      const indices = byAttr.get(combination)!;
      const whole = Math.floor(indices.length / need) * need;
      if (whole > 0) {
        splitIndices(indices.slice(0, whole));
        for (let k = whole; k < indices.length; k++) rest.push(indices[k]!);
      } else for (const i of indices) rest.push(i);
      const restWhole = Math.floor(rest.length / need) * need;
      if (restWhole > 0) {
        splitIndices(rest.slice(0, restWhole));
        rest = rest.slice(restWhole);
      }
    }
  }
  if (rest.length > 0) splitIndices(rest);

  // 3. Unlabelled and multi-labelled items fill each subset up to its share of the whole.
  if (unlabeled.length > 0) {
    const counts = sectionCounts(items.length, ratios);
    const expected = counts.map((c, k) => Math.max(0, c - bySplit[k]!.length));
    rng.shuffle(unlabeled);
    splitAt(unlabeled, expected).forEach((part, k) => {
      for (const i of part) bySplit[k]!.push(i);
    });
  }

  const assignment = new Array<number>(items.length).fill(-1);
  bySplit.forEach((indices, k) => {
    for (const i of indices) assignment[i] = k;
  });
  return assignment;
}

/** The splits as pairs; a list may not name a subset twice (Datumaro refuses it), except with a near-zero ratio. */
function splitList(T: string, value: unknown): [string, number][] {
  if (value === undefined) return DEFAULT_SPLITS;
  const out = ratioList(T, 'splits', value);
  out.forEach(([name, ratio], i) => {
    if (ratio > NEAR_ZERO && out.slice(0, i).some(([n, r]) => n === name && r > NEAR_ZERO)) throw invalid(T, 'splits', `names the subset '${name}' twice`);
  });
  return out;
}

function split(dataset: DatasetView, options: SplitOptions): DatasetParts {
  const T = 'split';
  checkKeys(T, options, ['task', 'splits', 'seed']);
  const task = optionalChoice(T, 'task', options.task, TASKS) ?? 'classification';
  if (task !== 'classification') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: task '${task}' splits boxes, masks or identities; cifarkit's datasets have labels only: use 'classification'`);
  }
  const pairs = splitList(T, options.splits);
  const names: string[] = [];
  const ratios: number[] = [];
  checkRatios(T, 'splits', pairs);
  for (const [name, ratio] of pairs) {
    // Datumaro ignores near-zero ratios (they would make empty parts).
    if (ratio > NEAR_ZERO) {
      names.push(name);
      ratios.push(ratio);
    }
  }
  const total = ratios.reduce((s, r) => s + r, 0);
  if (names.length === 0 || Math.abs(total - 1) > NEAR_ZERO) {
    throw invalid(T, 'splits', `has ratios that sum to ${total}, not 1: ${pairs.map(([n, r]) => `${n}:${r}`).join(', ')}`);
  }
  let seed = options.seed;
  if (seed === undefined) seed = randomSeed();
  else if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalid(T, 'seed', `must be an integer in [0, 2**32 - 1] (numpy's seeds), got ${show(seed)}`);

  const source = [...dataset];
  const assignment = classificationSplit(source, names, ratios, seed, T);
  const items = uniqueResults(T, source.map((item, i) => inSubset(item, assignment[i]! < 0 ? 'default' : names[assignment[i]!]!)));
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(names, items) };
}

export const SPLIT: TransformEntry = {
  summary: "Splits all items anew into subsets by ratios, keeping each label's share (Datumaro's classification splitter).",
  run: split as TransformEntry['run'],
  args: [
    option('-t --task', 'task', choice(TASKS, 'classification'), "the task (only 'classification' fits labels; default)"),
    repeated('-s --subset', 'splits', RATIO_PAIR, 'a subset and its share, ratios summing to 1 (repeatable; default: train:.5, val:.2, test:.3)'),
    option('--seed', 'seed', int(0, 0xffffffff), "numpy's random seed, 0 to 2**32-1 (the same split as Datumaro for the same seed and item order)"),
  ],
};
