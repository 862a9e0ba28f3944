/** `remove_items`, `remove_images`, `remove_annotations`, `remove_attributes` (Datumaro's Remove* transforms). */
import type { DatasetView } from '../../model/view.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { Label } from '../../model/annotations.js';
import type { DatasetItem } from '../../model/item.js';
import { refMatcher, withItem } from './items.js';
import { checkKeys, ID_ARG, invalid, isString, itemRefs, repeated, show, text, type ItemRef, type TransformEntry } from './options.js';

/**
 * `remove_items`, `remove_images`, `remove_annotations`: which items.
 *
 * @example
 * ```ts
 * import { Dataset, type ItemRefsOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ItemRefsOptions = { ids: [['image_1', 'data_batch_1'], ['image_2']] }; // image_2 in every subset
 * console.log(ds.transform('remove_images', options).get('image_1')?.media); // null
 * ```
 */
export interface ItemRefsOptions {
  /** `[id, subset]` pairs; `[id]` alone means that id in every subset. */
  ids: readonly ItemRef[];
}

/**
 * `remove_attributes`: drop item and annotation attributes.
 *
 * @example
 * ```ts
 * import { Dataset, type RemoveAttributesOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: RemoveAttributesOptions = { attributes: ['occluded'] }; // from every item
 * console.log(ds.transform('remove_attributes', options).size); // 5
 * ```
 */
export interface RemoveAttributesOptions {
  /** The items to clean (default: all). */
  ids?: readonly ItemRef[];
  /** The attribute names to drop (default: all). */
  attributes?: readonly string[];
}

/** A transform that changes (or, returning null, drops) the items named by `ids`. */
function removeFrom(T: string, apply: (item: DatasetItem) => DatasetItem | null): TransformEntry['run'] {
  return ((dataset: DatasetView, options: ItemRefsOptions): DatasetParts => {
    checkKeys(T, options, ['ids']);
    if (options.ids === undefined) throw invalid(T, 'ids', "is required: { ids: [['id', 'subset']] }");
    const matches = refMatcher(itemRefs(T, 'ids', options.ids));
    const items: DatasetItem[] = [];
    for (const item of dataset) {
      const out = matches(item) ? apply(item) : item;
      if (out) items.push(out);
    }
    return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
  }) as TransformEntry['run'];
}

function removeAttributes(dataset: DatasetView, options: RemoveAttributesOptions): DatasetParts {
  const T = 'remove_attributes';
  checkKeys(T, options, ['ids', 'attributes']);
  const matches = options.ids === undefined ? () => true : refMatcher(itemRefs(T, 'ids', options.ids));
  const names = options.attributes;
  if (names !== undefined && (!Array.isArray(names) || !names.every(isString))) {
    throw invalid(T, 'attributes', `must be a list of attribute names, got ${show(names)}`);
  }
  const drop = names === undefined || names.length === 0 ? null : new Set(names);
  const clean = (attrs: Record<string, unknown>): Record<string, unknown> =>
    drop ? Object.fromEntries(Object.entries(attrs).filter(([k]) => !drop.has(k))) : {};
  const items = [...dataset].map((item) =>
    matches(item)
      ? withItem(item, { attributes: clean(item.attributes), annotations: item.annotations.map((a) => new Label(a.label, clean(a.attributes))) })
      : item,
  );
  return { items, labels: copyLabels(dataset.labels), subsets: presentSubsets(dataset.subsets(), items) };
}

export const REMOVE_ITEMS: TransformEntry = { summary: 'Removes items.', run: removeFrom('remove_items', () => null), args: [ID_ARG] };

export const REMOVE_IMAGES: TransformEntry = {
  summary: 'Keeps items but drops their images (an annotation-only dataset).',
  run: removeFrom('remove_images', (item) => withItem(item, { media: null })),
  args: [ID_ARG],
};

export const REMOVE_ANNOTATIONS: TransformEntry = {
  summary: 'Removes all annotations of items.',
  run: removeFrom('remove_annotations', (item) => withItem(item, { annotations: [] })),
  args: [ID_ARG],
};

export const REMOVE_ATTRIBUTES: TransformEntry = {
  summary: 'Removes item and annotation attributes.',
  run: removeAttributes as TransformEntry['run'],
  args: [
    { ...ID_ARG, help: "an item to clean, as '<id>:<subset>' (repeatable; default: all items)" },
    repeated('-a --attr', 'attributes', text('<name>'), 'an attribute to remove (repeatable; default: all)'),
  ],
};
