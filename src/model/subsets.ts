/**
 * What every dataset operation (filter, transform, merge) produces, and the two helpers they all
 * use to make it: a private copy of the label categories and the order of the subsets left.
 */
import { LabelCategories } from './annotations.js';
import type { DatasetItem } from './item.js';

/** What every dataset operation (filter, transform, merge) produces. */
export interface DatasetParts {
  items: DatasetItem[];
  labels: LabelCategories;
  /** Subset names in order (only subsets that have items). */
  subsets: string[];
}

/** A copy of label categories (datasets never share a mutable `LabelCategories`). */
export function copyLabels(labels: LabelCategories): LabelCategories {
  return LabelCategories.fromIterable(labels.items.map((l) => ({ name: l.name, parent: l.parent })));
}

/** `order` restricted to the subsets that have items, then any other subset of `items` by first use. */
export function presentSubsets(order: Iterable<string>, items: Iterable<DatasetItem>): string[] {
  const used = new Set<string>();
  for (const item of items) used.add(item.subset);
  const out: string[] = [];
  for (const name of order) if (used.has(name) && !out.includes(name)) out.push(name);
  for (const name of used) if (!out.includes(name)) out.push(name);
  return out;
}
