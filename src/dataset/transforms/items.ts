/** What the transforms do to items: new items from old ones, item references, unique ids, relabelling. */
import { ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import { Label, type Annotation } from '../../model/annotations.js';
import { DatasetItem, originRow } from '../../model/item.js';
import { baseOf } from '../../model/columns.js';
import type { ItemRef } from './options.js';

/** A (subset, id) key of an item. */
export function key(subset: string, id: string): string {
  return `${subset}\u0000${id}`;
}

export function refMatcher(refs: readonly ItemRef[]): (item: DatasetItem) => boolean {
  const exact = new Set<string>();
  const anySubset = new Set<string>();
  for (const [id, subset] of refs) {
    if (subset === undefined) anySubset.add(id);
    else exact.add(key(subset, id));
  }
  return (item) => anySubset.has(item.id) || exact.has(key(item.subset, item.id));
}

/** Refuses a result where two different source items end up with the same (subset, id). */
export function assertUnique(transform: string, pairs: readonly (readonly [DatasetItem, DatasetItem])[]): void {
  const seen = new Map<string, DatasetItem>();
  for (const [source, result] of pairs) {
    const k = key(result.subset, result.id);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, source);
    else if (key(first.subset, first.id) !== key(source.subset, source.id)) {
      throw new UsageError(
        ErrorCode.DUPLICATE_ITEM,
        `${transform} would give two items the id '${result.id}' in subset '${result.subset}': '${first.id}' (subset '${first.subset}') and '${source.id}' (subset '${source.subset}')`,
        { item: result.id },
      );
    }
  }
}

/** The items of `pairs` (source, result) after {@link assertUnique} has checked them. */
export function uniqueResults(transform: string, pairs: readonly (readonly [DatasetItem, DatasetItem])[]): DatasetItem[] {
  assertUnique(transform, pairs);
  return pairs.map(([, out]) => out);
}

type ItemChange = Partial<{ id: string; subset: string; media: DatasetItem['media']; annotations: Annotation[]; attributes: Record<string, unknown> }>;

/**
 * A columnar row's item after `change`, as the row of a derived columnar subset (model/columns.ts)
 * when the change is one a column can say (another subset, no image, no labels); null otherwise.
 */
function columnarChange(item: DatasetItem, change: ItemChange): DatasetItem | null {
  const base = baseOf(item);
  if (!base) return null;
  if (change.id !== undefined && change.id !== item.id) return null;
  if (change.attributes !== undefined && change.attributes !== item.attributes && Object.keys(change.attributes).length > 0) return null;
  const dropMedia = 'media' in change && change.media !== item.media;
  if (dropMedia && change.media !== null) return null;
  const dropLabels = change.annotations !== undefined && change.annotations !== item.annotations;
  if (dropLabels && change.annotations!.length > 0) return null;
  return base.derive({ name: change.subset, dropMedia, dropLabels }).item(originRow(item));
}

export function withItem(item: DatasetItem, change: ItemChange): DatasetItem {
  const columnar = columnarChange(item, change);
  if (columnar) return columnar;
  return new DatasetItem({
    id: change.id ?? item.id,
    subset: change.subset ?? item.subset,
    media: 'media' in change ? change.media : item.media,
    annotations: change.annotations ?? item.annotations,
    attributes: change.attributes ?? item.attributes,
  });
}

/** `item` in another subset (the same object when it is already there). */
export function inSubset(item: DatasetItem, subset: string): [DatasetItem, DatasetItem] {
  return [item, subset === item.subset ? item : withItem(item, { subset })];
}

export function labelOf(dataset: DatasetView, transform: string, item: DatasetItem, index: number): string {
  const cat = dataset.labels.items[index];
  if (!cat) {
    throw new UsageError(ErrorCode.LABEL_OUT_OF_RANGE, `${transform}: label index ${index} is outside the ${dataset.labels.length} label categories`, {
      item: item.id,
    });
  }
  return cat.name;
}

/**
 * The items with every annotation's label index mapped by `indexOf` (a negative index drops the
 * annotation); an item whose annotations all keep their index stays the same object.
 */
export function relabel(dataset: DatasetView, indexOf: (label: number, item: DatasetItem) => number): DatasetItem[] {
  return [...dataset].map((item) => {
    let changed = false;
    const annotations: Annotation[] = [];
    for (const ann of item.annotations) {
      const j = indexOf(ann.label, item);
      if (j < 0) changed = true;
      else if (j === ann.label) annotations.push(ann);
      else {
        changed = true;
        annotations.push(new Label(j, ann.attributes));
      }
    }
    return changed ? withItem(item, { annotations }) : item;
  });
}
