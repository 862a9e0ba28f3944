/**
 * Merging datasets, after Datumaro's "exact" merge (`datum merge -m exact`): items are matched
 * by (subset, id), label categories are joined by name. Where Datumaro stops at the first
 * conflict, cifarkit keeps the first item and reports every conflict (`conflicts` of what `Dataset.merge` returns).
 */
import { ErrorCode, UsageError } from '../errors.js';
import type { DatasetView } from '../model/view.js';
import { Label, LabelCategories, type Annotation } from '../model/annotations.js';
import { DatasetItem } from '../model/item.js';
import type { Image } from '../image/image.js';
import { presentSubsets, type DatasetParts } from '../model/subsets.js';

/**
 * Two source items with the same (subset, id) that are not identical; the first one was kept.
 *
 * @example
 * ```ts
 * import { Dataset, DatasetItem, Label, type MergeConflict } from 'cifarkit';
 *
 * const a = Dataset.fromIterable([new DatasetItem({ id: '7', annotations: [new Label(0)] })], { labels: ['cat', 'dog'] });
 * const b = Dataset.fromIterable([new DatasetItem({ id: '7', annotations: [new Label(1)] })], { labels: ['cat', 'dog'] });
 * const [conflict]: readonly MergeConflict[] = Dataset.merge(a, b).conflicts;
 * console.log(conflict?.subset, conflict?.id, conflict?.sources); // default 7 [ 0, 1 ]
 * ```
 */
export interface MergeConflict {
  /** The subset of the two items. */
  subset: string;
  /** The id of the two items. */
  id: string;
  /** The indices (into the merged datasets) of the item that was kept, then of the one left out. */
  sources: number[];
  /** What differs: labels, label attributes, item attributes, image presence, size or pixels. */
  reason: string;
}

export interface MergedParts extends DatasetParts {
  conflicts: MergeConflict[];
}

/** A canonical text of a value, with object keys sorted, for comparing attributes. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return `bytes:${Array.from(value).join(',')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function imageDifference(a: Image | null, b: Image | null): string | null {
  if (!a || !b) return a === b ? null : a ? 'the kept item has an image, the other none' : 'the kept item has no image, the other one';
  if (a.height !== b.height || a.width !== b.width || a.channels !== b.channels) {
    return `different image sizes: ${a.height}x${a.width}x${a.channels} vs ${b.height}x${b.width}x${b.channels} (HxWxC)`;
  }
  return sameBytes(a.data, b.data) ? null : 'different pixels';
}

function sortedList(names: string[]): string {
  return `[${[...names].sort().join(', ')}]`;
}

/** Why two items with the same key are not the same item, or null when they are. */
function difference(kept: DatasetItem, keptNames: string[], other: DatasetItem, otherNames: string[]): string | null {
  const a = sortedList(keptNames);
  const b = sortedList(otherNames);
  if (a !== b) return `different labels: ${a} vs ${b}`;
  const annKey = (names: string[], anns: readonly Annotation[]): string =>
    anns.map((ann, i) => `${names[i]}\u0000${canonical(ann.attributes)}`).sort().join('\u0001');
  if (annKey(keptNames, kept.annotations) !== annKey(otherNames, other.annotations)) return 'different label attributes';
  if (canonical(kept.attributes) !== canonical(other.attributes)) return 'different item attributes';
  return imageDifference(kept.media, other.media);
}

/**
 * Merges datasets: label categories by name (the first dataset's order, then new names as they
 * come, with the parent the first dataset naming them gives), annotations re-indexed by name,
 * items by (subset, id). Identical duplicates become one item; others are reported.
 */
export function mergeDatasets(datasets: readonly DatasetView[]): MergedParts {
  const labels = new LabelCategories();
  const maps = datasets.map((ds) =>
    ds.labels.items.map((cat) => {
      const found = labels.find(cat.name);
      return found >= 0 ? found : labels.add(cat.name, cat.parent);
    }),
  );

  const items: DatasetItem[] = [];
  const byKey = new Map<string, { item: DatasetItem; names: string[]; source: number }>();
  const conflicts: MergeConflict[] = [];
  const subsetOrder: string[] = [];

  datasets.forEach((ds, source) => {
    const map = maps[source]!;
    for (const name of ds.subsets()) if (!subsetOrder.includes(name)) subsetOrder.push(name);
    for (const item of ds) {
      const names = item.annotations.map((ann) => {
        const cat = ds.labels.items[ann.label];
        if (!cat) {
          throw new UsageError(
            ErrorCode.LABEL_OUT_OF_RANGE,
            `merge: dataset ${source} has label index ${ann.label}, outside its ${ds.labels.length} label categories, so it cannot be matched by name`,
            { item: item.id },
          );
        }
        return cat.name;
      });
      const k = `${item.subset}\u0000${item.id}`;
      const existing = byKey.get(k);
      if (existing) {
        const reason = difference(existing.item, existing.names, item, names);
        if (reason !== null) conflicts.push({ subset: item.subset, id: item.id, sources: [existing.source, source], reason });
        continue;
      }
      const remapped = item.annotations.some((ann) => map[ann.label] !== ann.label);
      const out = remapped
        ? new DatasetItem({
            id: item.id,
            subset: item.subset,
            media: item.media,
            annotations: item.annotations.map((ann) => new Label(map[ann.label]!, ann.attributes)),
            attributes: item.attributes,
          })
        : item;
      byKey.set(k, { item: out, names, source });
      items.push(out);
    }
  });
  return { items, labels, subsets: presentSubsets(subsetOrder, items), conflicts };
}
