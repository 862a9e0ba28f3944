/**
 * `correct`: applies a validation report, as Datumaro's Correct transform does with the report of
 * `datum validate -t classification` (plugins/transforms.py, `Correct`). For classification:
 * items reported `MissingAnnotation` (no label) or `MultiLabelAnnotations` are removed; for each
 * `UndefinedLabel` a label category named after the index ('12') is appended, once per name.
 * Like Datumaro, the annotation keeps its index: the new name fixes it only when the index is
 * the next free one; other indices stay undefined. Other anomalies change nothing.
 */
import type { DatasetView } from '../../formats/format.js';
import type { ValidationReport } from '../../validate/index.js';
import { checkLabels, type LabelAnomaly } from '../../validate/labels.js';
import { checkKeys, copyLabels, invalid, key, presentSubsets, type DatasetParts, type TransformEntry } from './common.js';

export interface CorrectOptions {
  /** A report of `validate` (`ds.validate()`, or the JSON of `cifarkit validate`); default: the label checks are run now. */
  report?: Pick<ValidationReport, 'labels'>;
}

function correct(dataset: DatasetView, options: CorrectOptions): DatasetParts {
  const T = 'correct';
  checkKeys(T, options, ['report']);
  const all = [...dataset];
  let anomalies: readonly LabelAnomaly[];
  if (options.report === undefined) anomalies = checkLabels(all, dataset.labels, {}, T).anomalies;
  else {
    const labels = (options.report as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels)) throw invalid(T, 'report', "must be a validation report: an object with a 'labels' list of anomalies");
    anomalies = labels as LabelAnomaly[];
  }
  const drop = new Set<string>();
  const cats = copyLabels(dataset.labels);
  if (cats.length === 0) {
    // Datumaro's MissingLabelCategories: categories named after the label indices used, sorted.
    const used = new Set<number>();
    for (const item of all) for (const a of item.annotations) used.add(a.label);
    for (const index of [...used].sort((a, b) => a - b)) cats.add(String(index));
  }
  for (const a of anomalies) {
    if (a === null || typeof a !== 'object') throw invalid(T, 'report', 'has an anomaly that is not an object');
    if (a.type === 'MissingAnnotation' || a.type === 'MultiLabelAnnotations') {
      if (!a.item || typeof a.item.id !== 'string' || typeof a.item.subset !== 'string') throw invalid(T, 'report', `has a ${a.type} without its item`);
      drop.add(key(a.item.subset, a.item.id));
    } else if (a.type === 'UndefinedLabel') {
      if (typeof a.label !== 'string') throw invalid(T, 'report', 'has an UndefinedLabel without its label');
      if (cats.find(a.label) < 0) cats.add(a.label);
    }
  }
  const items = all.filter((item) => !drop.has(key(item.subset, item.id)));
  return { items, labels: cats, subsets: presentSubsets(dataset.subsets(), items) };
}

export const CORRECT: TransformEntry = {
  summary: "Applies validate's label findings: removes unlabelled and multi-labelled items, adds categories for undefined label indices.",
  run: correct as TransformEntry['run'],
  args: [],
};
