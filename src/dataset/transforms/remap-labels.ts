/** `remap_labels`: rename, join or delete labels (Datumaro's RemapLabels). */
import type { DatasetView } from '../../model/view.js';
import { presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { LabelCategories } from '../../model/annotations.js';
import { labelOf, relabel } from './items.js';
import { checkKeys, choice, invalid, isString, option, pair, pairList, repeated, show, type TransformEntry } from './options.js';

/**
 * `remap_labels`: rename, join or delete labels; annotations follow by name.
 *
 * @example
 * ```ts
 * import { Dataset, type RemapLabelsOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: RemapLabelsOptions = { mapping: { cat: 'pet', bird: '' } }; // rename cat, delete bird
 * console.log([...ds.transform('remap_labels', options).labels].map((l) => l.name)); // [ 'airplane', 'automobile', 'pet' ]
 * ```
 */
export interface RemapLabelsOptions {
  /**
   * Source label name -> new name. Two sources with one target are joined; a target of '' deletes
   * the label and its annotations. Names not in the dataset are ignored (as in Datumaro).
   */
  mapping: Record<string, string> | readonly (readonly [string, string])[];
  /** What happens to labels not in `mapping`: kept as they are (default) or deleted. */
  default?: 'keep' | 'delete';
}

function remapLabels(dataset: DatasetView, options: RemapLabelsOptions): DatasetParts {
  const T = 'remap_labels';
  checkKeys(T, options, ['mapping', 'default']);
  if (options.mapping === undefined) throw invalid(T, 'mapping', "is required: { mapping: { old: 'new' } }");
  const mapping = new Map(pairList(T, 'mapping', options.mapping, isString, 'label name'));
  const action = options.default ?? 'keep';
  if (action !== 'keep' && action !== 'delete') throw invalid(T, 'default', `must be 'keep' or 'delete', got ${show(action)}`);

  const src = dataset.labels.items;
  const target = (name: string): string => mapping.get(name) ?? (action === 'keep' ? name : '');
  const srcNames = new Set(src.map((l) => l.name));
  const dst = new LabelCategories();
  const indexMap = new Map<number, number>();
  src.forEach((label, i) => {
    const name = target(label.name);
    if (name === '') return;
    let j = dst.find(name);
    if (j < 0) {
      // A parent that is itself a label follows that label (renamed, or '' when deleted); any
      // other parent (CIFAR-100's coarse classes) is kept.
      const parent = srcNames.has(label.parent) ? target(label.parent) : label.parent;
      j = dst.add(name, parent);
    }
    indexMap.set(i, j);
  });

  const items = relabel(dataset, (label, item) => {
    labelOf(dataset, T, item, label);
    return indexMap.get(label) ?? -1;
  });
  return { items, labels: dst, subsets: presentSubsets(dataset.subsets(), items) };
}

export const REMAP_LABELS: TransformEntry = {
  summary: 'Renames, joins or deletes labels; annotations follow by name.',
  run: remapLabels as TransformEntry['run'],
  args: [
    repeated('-l --label', 'mapping', pair('<src>:<dst>'), "rename src to dst; 'src:' deletes src (repeatable)"),
    option('--default', 'default', choice(['keep', 'delete']), 'what happens to labels not listed (default: keep)'),
  ],
};
