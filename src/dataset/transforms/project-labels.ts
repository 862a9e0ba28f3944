/** `project_labels`: the label categories become a given list (Datumaro's ProjectLabels). */
import type { DatasetView } from '../../model/view.js';
import { LabelCategories } from '../../model/annotations.js';
import { presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { relabel } from './items.js';
import { checkKeys, invalid, isString, repeated, show, text, type TransformEntry } from './options.js';
import { ErrorCode, UsageError } from '../../errors.js';

/**
 * `project_labels`: the label categories become a given list.
 *
 * @example
 * ```ts
 * import { Dataset, type ProjectLabelsOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ProjectLabelsOptions = { labels: ['cat', 'dog'] }; // only these, in this order
 * const cats = ds.transform('project_labels', options);
 * console.log([...cats.labels].map((l) => l.name), cats.get('image_3')?.annotations[0]?.label); // [ 'cat', 'dog' ] 0
 * ```
 */
export interface ProjectLabelsOptions {
  /**
   * The new label names, in order. Annotations follow their label by name (case-sensitive);
   * those of labels not listed are removed; new names become labels without items. A label keeps
   * its parent only when the parent is itself listed (as Datumaro: CIFAR-100's coarse names go).
   */
  labels: readonly string[];
}

export function projectLabels(dataset: DatasetView, options: ProjectLabelsOptions, T = 'project_labels'): DatasetParts {
  checkKeys(T, options, ['labels']);
  const names = options.labels;
  if (!Array.isArray(names) || !names.every(isString)) throw invalid(T, 'labels', `must be a list of label names, got ${show(names)}`);
  const src = dataset.labels;
  const parents = names.map((name) => {
    const i = src.find(name);
    return i < 0 ? '' : src.items[i]!.parent;
  });
  const dst = new LabelCategories();
  names.forEach((name, i) => {
    if (dst.find(name) >= 0) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${T}: the label '${name}' is listed twice`);
    dst.add(name, parents[i] !== '' && names.includes(parents[i]!) ? parents[i] : '');
  });
  const map = src.items.map((l) => dst.find(l.name));
  // An index outside the categories has no name: Datumaro drops it too.
  const items = relabel(dataset, (label) => map[label] ?? -1);
  return { items, labels: dst, subsets: presentSubsets(dataset.subsets(), items) };
}

export const PROJECT_LABELS: TransformEntry = {
  summary: 'Sets the label list (order, new and removed labels); annotations follow by name, those of removed labels go.',
  run: ((d: DatasetView, o: ProjectLabelsOptions) => projectLabels(d, o)) as TransformEntry['run'],
  args: [repeated('-l --label', 'labels', text('<name>'), 'a label of the result, in order (repeatable)')],
};
