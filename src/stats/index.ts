/**
 * Dataset statistics in the shape of Datumaro's `datum stats` report (`compute_image_statistics`
 * + `compute_ann_statistics`, datumaro/components/operations.py, 1.9.1): image counts, unique
 * and repeated images, the per-channel (RGB) mean and standard deviation of the pixels, per
 * subset and (a cifarkit addition, what `Normalize` needs) for the whole dataset, and the
 * annotation counts and label distribution.
 *
 * The pixels are read once, image by image, by one kernel (wasm or TypeScript, the same exact
 * integer sums). Mean and std are those of all pixels of the images taken together, values
 * 0-255, std with Bessel's correction (n - 1), as numpy's `x.mean()` and `x.std(ddof=1)`; a
 * grayscale image counts as R = G = B and a fourth (alpha) channel is ignored, as in Datumaro.
 * (Datumaro merges per-image results pairwise with equal weights, which drifts from these exact
 * values when the image count is not a power of two.)
 */
import type { DatasetView } from '../model/view.js';
import type { DatasetItem } from '../model/item.js';
import { ErrorCode, UsageError } from '../errors.js';
import { statsKernels } from '../kernels/stats.js';

/**
 * Mean and std per channel (R, G, B), or 'n/a' for a subset without images (as Datumaro).
 *
 * @example
 * ```ts
 * import { Dataset, datasetStatistics, type SubsetImageStatistics } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const train: SubsetImageStatistics = datasetStatistics(ds).subsets['data_batch_1']!;
 * console.log(train['images count'], train['image mean (RGB)']); // 1 [ 1, 1, 1 ]
 * ```
 */
export interface SubsetImageStatistics {
  /** Images in the subset. */
  'images count': number;
  /** Mean pixel value per channel, 0-255. */
  'image mean (RGB)': [number, number, number] | 'n/a';
  /** Standard deviation per channel (n - 1). */
  'image std (RGB)': [number, number, number] | 'n/a';
}

/**
 * What {@link datasetStatistics} gives: `datum stats`'s report, key for key.
 *
 * @example
 * ```ts
 * import { Dataset, datasetStatistics, type DatasetStatistics } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const stats: DatasetStatistics = datasetStatistics(ds);
 * console.log(stats['images count'], stats.dataset['unique images count'], stats.annotations.labels.distribution.cat); // 5 2 [ 2, 0.4 ]
 * ```
 */
export interface DatasetStatistics {
  /** The images of the whole dataset. */
  dataset: {
    /** Items with an image. */
    'images count': number;
    /** Distinct images (by pixels). */
    'unique images count': number;
    /** Images that occur more than once. */
    'repeated images count': number;
    /** Groups of identical images, each a sorted list of [id, subset]. */
    'repeated images': [string, string][][];
    /** Mean pixel value per channel over all images, 0-255 (a cifarkit addition). */
    'image mean (RGB)': [number, number, number] | 'n/a';
    /** Standard deviation per channel over all images (n - 1). */
    'image std (RGB)': [number, number, number] | 'n/a';
  };
  /** Per subset, its image statistics. */
  subsets: Record<string, SubsetImageStatistics>;
  /** Items (Datumaro counts items here, with or without an image). */
  'images count': number;
  /** Annotations of all items. */
  'annotations count': number;
  /** Items without annotations. */
  'unannotated images count': number;
  /** Their ids. */
  'unannotated images': string[];
  /** Annotation type name -> how many (Datumaro lists every type, most with 0). */
  'annotations by type': Record<
    string,
    {
      /** Annotations of the type. */
      count: number;
    }
  >;
  /** The annotation statistics. */
  annotations: {
    /** The label annotations. */
    labels: {
      /** Label annotations. */
      count: number;
      /** label name -> [count, share of all labelled annotations] */
      distribution: Record<string, [number, number]>;
      /** Per annotation attribute name, its values. */
      attributes: Record<
        string,
        {
          /** Annotations with the attribute. */
          count: number;
          /** Distinct values. */
          'values count': number;
          /** The distinct values, as strings. */
          'values present': string[];
          /** value -> [count, share]. */
          distribution: Record<string, [number, number]>;
        }
      >;
    };
    /** Segmentation statistics: always empty for classification data (kept for Datumaro's shape). */
    segments: {
      /** 0. */
      'avg. area': number;
      /** []. */
      'area distribution': never[];
      /** label name -> [0, 0]. */
      'pixel distribution': Record<string, [number, number]>;
    };
  };
}

/**
 * The options of {@link datasetStatistics}.
 *
 * @example
 * ```ts
 * import { Dataset, datasetStatistics, type StatisticsOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * let seen = 0;
 * const options: StatisticsOptions = { onItem: () => seen++ };
 * datasetStatistics(ds, options);
 * console.log(seen); // 5
 * ```
 */
export interface StatisticsOptions {
  /** Called after each item is counted (e.g. for a progress bar). */
  onItem?: (item: DatasetItem, index: number) => void;
}

/** Datumaro's AnnotationType names, listed in its report whether present or not. */
const ANNOTATION_TYPES = [
  'unknown', 'label', 'mask', 'points', 'polygon', 'polyline', 'bbox', 'caption', 'cuboid_3d',
  'super_resolution_annotation', 'depth_annotation', 'ellipse', 'hash_key', 'feature_vector', 'tabular', 'rotated_bbox',
];

/** Attributes Datumaro leaves out of the attribute statistics. */
const IGNORED_ATTRIBUTES = new Set(['occluded', 'visibility', 'score', 'id', 'track_id']);

/** Exact running sums of one group of images (BigInt: no rounding whatever the dataset size). */
class Moments {
  images = 0;
  pixels = 0n;
  readonly sums = [0n, 0n, 0n];
  readonly squares = [0n, 0n, 0n];

  add(pixels: number, sums: readonly number[], squares: readonly number[]): void {
    this.images++;
    this.pixels += BigInt(pixels);
    for (let c = 0; c < 3; c++) {
      this.sums[c]! += BigInt(sums[c]!);
      this.squares[c]! += BigInt(squares[c]!);
    }
  }

  result(): Pick<SubsetImageStatistics, 'image mean (RGB)' | 'image std (RGB)'> {
    if (this.images === 0) return { 'image mean (RGB)': 'n/a', 'image std (RGB)': 'n/a' };
    const n = this.pixels;
    const mean = this.sums.map((s) => ratio(s, n)) as [number, number, number];
    // var = (n * sum(x^2) - sum(x)^2) / (n (n - 1)), the numerator exact.
    const std = this.sums.map((s, c) => (n > 1n ? Math.sqrt(ratio(n * this.squares[c]! - s * s, n * (n - 1n))) : 0)) as [number, number, number];
    return { 'image mean (RGB)': mean, 'image std (RGB)': std };
  }
}

/** a / b for big integers, correctly rounded to about 1e-15 relative (far below 1e-6). */
function ratio(a: bigint, b: bigint): number {
  const q = a / b;
  const r = a - q * b;
  return Number(q) + Number(r) / Number(b);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `datum stats` for a dataset: image counts, repeated images, per-channel mean and std, label
 * distribution (see the module comment for how they are computed).
 *
 * @example
 * ```ts
 * import { Dataset, datasetStatistics } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const stats = datasetStatistics(ds);
 * console.log(stats.subsets['test_batch']?.['images count'], stats['annotations count']); // 4 5
 * ```
 */
export function datasetStatistics(dataset: DatasetView, options: StatisticsOptions = {}): DatasetStatistics {
  if (options === null || typeof options !== 'object') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'datasetStatistics options must be an object');
  const onItem = typeof options.onItem === 'function' ? options.onItem : null;
  const k = statsKernels();
  const all = new Moments();
  const perSubset = new Map<string, Moments>(dataset.subsets().map((s) => [s, new Moments()]));
  // Identical images: bucketed by (size, sums, hash), confirmed byte by byte.
  const buckets = new Map<string, { data: Uint8Array; items: [string, string][] }[]>();
  let unique = 0;

  const labelNames = dataset.labels.items.map((l) => l.name);
  const byType: Record<string, { count: number }> = Object.fromEntries(ANNOTATION_TYPES.map((t) => [t, { count: 0 }]));
  const distribution: Record<string, [number, number]> = Object.fromEntries(labelNames.map((n) => [n, [0, 0]]));
  const attributes: DatasetStatistics['annotations']['labels']['attributes'] = {};
  const attributeValues = new Map<string, Set<string>>();
  let labelled = 0;
  const unannotated: string[] = [];

  let index = 0;
  for (const item of dataset) {
    const m = item.media;
    if (m) {
      const pixels = m.height * m.width;
      const s = k.channelStats(m.data, pixels, m.channels);
      // Grayscale counts as R = G = B; a second channel (gray + alpha) is ignored.
      const sums = m.channels >= 3 ? s.sums : [s.sums[0], s.sums[0], s.sums[0]];
      const squares = m.channels >= 3 ? s.squares : [s.squares[0], s.squares[0], s.squares[0]];
      all.add(pixels, sums, squares);
      let subset = perSubset.get(item.subset);
      if (!subset) perSubset.set(item.subset, (subset = new Moments()));
      subset.add(pixels, sums, squares);
      const key = `${m.height}x${m.width}x${m.channels}:${s.hash}:${s.sums.join(',')}:${s.squares.join(',')}`;
      const bucket = buckets.get(key) ?? [];
      if (!buckets.has(key)) buckets.set(key, bucket);
      const same = bucket.find((g) => bytesEqual(g.data, m.data));
      if (same) same.items.push([item.id, item.subset]);
      else {
        bucket.push({ data: m.data, items: [[item.id, item.subset]] });
        unique++;
      }
    }

    if (item.annotations.length === 0) unannotated.push(item.id);
    for (const ann of item.annotations) {
      const type = ann.type in byType ? ann.type : 'unknown';
      byType[type]!.count++;
      if (ann.type !== 'label') continue;
      labelled++;
      const name = labelNames[ann.label] ?? String(ann.label);
      (distribution[name] ??= [0, 0])[0]++;
      for (const [attr, value] of Object.entries(ann.attributes)) {
        if (IGNORED_ATTRIBUTES.has(attr.toLowerCase())) continue;
        const a = (attributes[attr] ??= { count: 0, 'values count': 0, 'values present': [], distribution: {} });
        a.count++;
        const text = String(value);
        let present = attributeValues.get(attr);
        if (!present) attributeValues.set(attr, (present = new Set()));
        present.add(text);
        (a.distribution[text] ??= [0, 0])[0]++;
      }
    }
    onItem?.(item, index++);
  }

  for (const d of Object.values(distribution)) d[1] = d[0] / (labelled || 1);
  for (const [name, a] of Object.entries(attributes)) {
    const present = [...attributeValues.get(name)!].sort();
    a['values count'] = present.length;
    a['values present'] = present;
    for (const d of Object.values(a.distribution)) d[1] = d[0] / (a.count || 1);
  }

  const repeated: [string, string][][] = [];
  for (const bucket of buckets.values()) {
    for (const g of bucket) {
      if (g.items.length > 1) repeated.push(g.items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
    }
  }
  let annotations = 0;
  for (const t of Object.values(byType)) annotations += t.count;

  const subsets: Record<string, SubsetImageStatistics> = {};
  for (const [name, moments] of perSubset) subsets[name] = { 'images count': moments.images, ...moments.result() };
  return {
    dataset: {
      'images count': all.images,
      'unique images count': unique,
      'repeated images count': repeated.length,
      'repeated images': repeated,
      ...all.result(),
    },
    subsets,
    'images count': dataset.size,
    'annotations count': annotations,
    'unannotated images count': unannotated.length,
    'unannotated images': unannotated,
    'annotations by type': byType,
    annotations: {
      labels: { count: labelled, distribution, attributes },
      segments: { 'avg. area': 0, 'area distribution': [], 'pixel distribution': Object.fromEntries(labelNames.map((n) => [n, [0, 0]])) },
    },
  };
}
