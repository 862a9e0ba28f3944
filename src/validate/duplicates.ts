/**
 * Exact and near-duplicate images. Exact: equal size and pixels, found by a 64-bit content hash
 * and confirmed byte by byte. Near: a 64-bit DCT perceptual hash (pHash) per image, and every
 * pair within a Hamming distance, by xor + popcount over the hashes (src/kernels/hash.ts);
 * no image bytes are compared pairwise. Within a subset and across subsets alike.
 */
import { contiguousRun } from '../bytes.js';
import { ErrorCode, UsageError } from '../errors.js';
import type { DatasetItem } from '../model/item.js';
import { hashKernels } from '../kernels/hash.js';

/**
 * The default Hamming threshold (of 64 bits). On the planted fixture (bench/validate.mjs, README
 * "Validate") it finds 96.0% of near-duplicates while reporting 1.33% of distinct look-alikes and
 * 0.004% of pairs of distinct scenes; 10 would find 97.6% but report 3.0% and 0.016%.
 *
 * @example
 * ```ts
 * import { DEFAULT_THRESHOLD } from 'cifarkit';
 *
 * console.log(DEFAULT_THRESHOLD); // 8
 * ```
 */
export const DEFAULT_THRESHOLD = 8;
/** At most this many pairs are reported by default (`maxPairs`). */
export const DEFAULT_MAX_PAIRS = 100_000;

/**
 * An item, by subset and id.
 *
 * @example
 * ```ts
 * import { Dataset, type ItemKey } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const key: ItemKey = ds.validate().duplicates[0]!.a;
 * console.log(ds.get(key.id, key.subset)?.id); // image_1
 * ```
 */
export interface ItemKey {
  /** The item's subset. */
  subset: string;
  /** The item's id. */
  id: string;
}

/**
 * Two images that are the same (`exact`: same size and pixels) or alike within `distance` bits of pHash.
 *
 * @example
 * ```ts
 * import { Dataset, type DuplicatePair } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const near: DuplicatePair[] = ds.validate().duplicates.filter((pair) => !pair.exact);
 * console.log(near[0]?.a.id, near[0]?.b.id, near[0]?.distance); // image_1 image_5 2
 * ```
 */
export interface DuplicatePair {
  /** The first item, in dataset order. */
  a: ItemKey;
  /** The second item. */
  b: ItemKey;
  /** Hamming distance of the two pHashes, 0-64 (0 for exact duplicates). */
  distance: number;
  /** True when both images have the same size, channels and pixels. */
  exact: boolean;
}

export interface DuplicateOptions {
  /** Largest Hamming distance (0-64) reported as a near-duplicate; default {@link DEFAULT_THRESHOLD}. */
  threshold?: number;
  /** Stop after this many pairs (default 100,000); the result says it was cut. */
  maxPairs?: number;
}

export interface DuplicateSearch {
  /** The pairs, as indices into the items given, a < b, ordered by a then b. */
  pairs: { a: number; b: number; distance: number; exact: boolean }[];
  /** Items that have an image and so were hashed. */
  hashed: number;
  /** True when `maxPairs` cut the search short. */
  truncated: boolean;
  threshold: number;
}

/** Checks `threshold` / `maxPairs`; returns them with defaults applied. */
export function duplicateOptions(options: DuplicateOptions, where: string): { threshold: number; maxPairs: number } {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 64) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${where}: option 'threshold' must be an integer 0-64 (bits of a 64-bit hash), got ${String(threshold)}`);
  }
  if (!Number.isInteger(maxPairs) || maxPairs < 1) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${where}: option 'maxPairs' must be a positive integer, got ${String(maxPairs)}`);
  }
  return { threshold, maxPairs };
}

/** Byte-wise order of two images' bytes (shorter first on a common prefix). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  exactComparisons.count++;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** How many byte comparisons the exact grouping made (for the test that bounds them). */
export const exactComparisons = { count: 0 };

/**
 * Gives the members of one content-hash group (`group`, indices) exact classes: sorted by their
 * bytes, runs of equal bytes share a class. O(g log g) comparisons however many distinct images
 * share the hash, so a crafted multi-collision (the content hash has a fixed seed) cannot make it
 * quadratic; a lone image (a run of one) stays -1. Returns the next free class number.
 */
export function exactRuns(group: number[], dataOf: (j: number) => Uint8Array, exactClass: Int32Array, classes: number): number {
  const sorted = [...group].sort((x, y) => compareBytes(dataOf(x), dataOf(y)) || x - y);
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && compareBytes(dataOf(sorted[start]!), dataOf(sorted[end]!)) === 0) end++;
    if (end - start > 1) {
      for (let k = start; k < end; k++) exactClass[sorted[k]!] = classes;
      classes++;
    }
    start = end;
  }
  return classes;
}

/** The hashes of the items that have an image. */
interface HashedItems {
  /** Index in `items` of each hashed item, in order. */
  indices: number[];
  /** Their pHashes, (low, high) u32 pairs. */
  phashes: Uint32Array;
  /** Exact-duplicate class of each (same size and pixels), -1 for an image with no exact copy. */
  exactClass: Int32Array;
}

function hashItems(items: readonly DatasetItem[]): HashedItems {
  const k = hashKernels();
  // Items with an image, in order; their index in `items`.
  const hashedItems: number[] = [];
  items.forEach((item, i) => {
    const m = item.media;
    if (m && m.height > 0 && m.width > 0) hashedItems.push(i);
  });
  const n = hashedItems.length;
  const phashes = new Uint32Array(2 * n);
  const content = new Uint32Array(2 * n);

  // Runs of consecutive images of one size are hashed in one call; a subset's images usually
  // share one buffer already (then no copy is made).
  for (let start = 0; start < n; ) {
    const first = items[hashedItems[start]!]!.media!;
    const { height, width, channels } = first;
    const bytes = first.data.length;
    let end = start + 1;
    while (end < n && end - start < 4096) {
      const m = items[hashedItems[end]!]!.media!;
      if (m.height !== height || m.width !== width || m.channels !== channels) break;
      end++;
    }
    const count = end - start;
    let src = contiguousRun(count, (j) => items[hashedItems[start + j]!]!.media!.data, bytes);
    if (!src) {
      src = new Uint8Array(count * bytes);
      for (let j = start; j < end; j++) src.set(items[hashedItems[j]!]!.media!.data, (j - start) * bytes);
    }
    k.phash(src, count, height, width, channels, phashes.subarray(2 * start, 2 * end));
    k.contentHash(src, count, bytes, content.subarray(2 * start, 2 * end));
    start = end;
  }

  // Exact classes: same size and content hash, confirmed byte by byte.
  const exactClass = new Int32Array(n).fill(-1);
  const groups = new Map<string, number[]>();
  for (let j = 0; j < n; j++) {
    const m = items[hashedItems[j]!]!.media!;
    const key = `${m.height}x${m.width}x${m.channels}:${content[2 * j]}:${content[2 * j + 1]}`;
    const g = groups.get(key);
    if (g) g.push(j);
    else groups.set(key, [j]);
  }
  let classes = 0;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    classes = exactRuns(g, (j) => items[hashedItems[j]!]!.media!.data, exactClass, classes);
  }
  return { indices: hashedItems, phashes, exactClass };
}

/** Every duplicate pair among `items` (their order is the report's order). */
export function findDuplicates(items: readonly DatasetItem[], options: DuplicateOptions = {}, where = 'validate'): DuplicateSearch {
  const { threshold, maxPairs } = duplicateOptions(options, where);
  const { indices: hashedItems, phashes, exactClass } = hashItems(items);
  const pairs: DuplicateSearch['pairs'] = [];
  let truncated = false;
  hashKernels().hammingPairs(phashes, threshold, (i, j, distance) => {
    if (pairs.length >= maxPairs) {
      truncated = true;
      return false;
    }
    const exact = exactClass[i]! >= 0 && exactClass[i] === exactClass[j];
    pairs.push({ a: hashedItems[i]!, b: hashedItems[j]!, distance, exact });
    return true;
  });
  return { pairs, hashed: hashedItems.length, truncated, threshold };
}

/** The pairs with item keys. */
export function duplicatePairs(items: readonly DatasetItem[], search: DuplicateSearch): DuplicatePair[] {
  const key = (i: number): ItemKey => ({ subset: items[i]!.subset, id: items[i]!.id });
  return search.pairs.map((p) => ({ a: key(p.a), b: key(p.b), distance: p.distance, exact: p.exact }));
}

/**
 * The items `remove_duplicates` drops: pairs (within `threshold`) join items into groups
 * (connected components); each group keeps one item, the first in dataset order that is in
 * subset `keep` (when given and present), else the first in dataset order. Returns the indices
 * to drop. Pairs are joined as they are found, never stored, so any number of them fits.
 */
export function duplicatesToDrop(items: readonly DatasetItem[], threshold: number | undefined, keep: string | undefined, where: string): Set<number> {
  const t = duplicateOptions({ threshold }, where).threshold;
  const { indices, phashes } = hashItems(items);
  const parent = Int32Array.from(indices, (_, j) => j);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  hashKernels().hammingPairs(phashes, t, (i, j) => {
    const ri = find(i);
    const rj = find(j);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  });
  // Each group's root is its first member; the kept one is the first in `keep`, if any.
  const kept = new Map<number, number>();
  for (let j = 0; j < indices.length; j++) {
    const r = find(j);
    if (!kept.has(r)) kept.set(r, j);
    else if (keep !== undefined && items[indices[j]!]!.subset === keep && items[indices[kept.get(r)!]!]!.subset !== keep) kept.set(r, j);
  }
  const drop = new Set<number>();
  for (let j = 0; j < indices.length; j++) if (kept.get(find(j)) !== j) drop.add(indices[j]!);
  return drop;
}
