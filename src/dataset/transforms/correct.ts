/**
 * `correct`: applies a validation report, as Datumaro's Correct transform does with the report of
 * `datum validate -t classification` (plugins/transforms.py, `Correct`). For classification:
 * items reported `MissingAnnotation` (no label) or `MultiLabelAnnotations` are removed; for each
 * `UndefinedLabel` a label category named after the index ('12') is appended, once per name.
 * Like Datumaro, the annotation keeps its index: the new name fixes it only when the index is
 * the next free one; other indices stay undefined. Other anomalies change nothing.
 */
import type { DatasetView } from '../../model/view.js';
import type { ValidationReport } from '../../validate/index.js';
import { checkLabels, type LabelAnomaly } from '../../validate/labels.js';
import { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
import { key } from './items.js';
import { checkKeys, invalid, type TransformEntry } from './options.js';

/**
 * The part of Datumaro's `validation_reports.json` (`datum validate`) that `correct` reads.
 *
 * @example
 * ```ts
 * import { Dataset, type DatumaroValidationReport } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const report: DatumaroValidationReport = {
 *   validation_reports: [{ anomaly_type: 'MissingAnnotation', description: 'no label', item_id: 'image_5', subset: 'test_batch' }],
 * };
 * console.log(ds.transform('correct', { report }).size); // 4
 * ```
 */
export interface DatumaroValidationReport {
  /** The findings. */
  validation_reports: {
    /** Datumaro's anomaly name ('MissingAnnotation', ...). */
    anomaly_type: string;
    /** Its message. */
    description: string;
    /** The item it is about. */
    item_id?: string;
    /** That item's subset. */
    subset?: string;
  }[];
}

/**
 * `correct`: applies a validation report.
 *
 * @example
 * ```ts
 * import { Dataset, type CorrectOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: CorrectOptions = { report: ds.validate() }; // or no report: the label checks run now
 * console.log(ds.transform('correct', options).size); // 5
 * ```
 */
export interface CorrectOptions {
  /**
   * A report of `validate` (`ds.validate()`, or the JSON of `cifarkit validate`), or Datumaro's
   * `validation_reports.json`; default: the label checks are run now.
   */
  report?: Pick<ValidationReport, 'labels'> | DatumaroValidationReport;
}

/** Datumaro's anomalies as cifarkit's: the label name is the first quoted part of the description, as Correct reads it. */
function fromDatumaro(T: string, reports: unknown): LabelAnomaly[] {
  if (!Array.isArray(reports)) throw invalid(T, 'report', "has 'validation_reports' that is not a list");
  return reports.map((r: unknown) => {
    const rep = r as { anomaly_type?: unknown; description?: unknown; item_id?: unknown; subset?: unknown } | null;
    if (rep === null || typeof rep !== 'object' || typeof rep.anomaly_type !== 'string' || typeof rep.description !== 'string') {
      throw invalid(T, 'report', 'has a Datumaro report entry without anomaly_type and description');
    }
    const item = typeof rep.item_id === 'string' && typeof rep.subset === 'string' ? { id: rep.item_id, subset: rep.subset } : undefined;
    const label = rep.description.split("'")[1];
    return { type: rep.anomaly_type, severity: 'warning', description: rep.description, ...(item ? { item } : {}), ...(label === undefined ? {} : { label }) } as LabelAnomaly;
  });
}

function correct(dataset: DatasetView, options: CorrectOptions): DatasetParts {
  const T = 'correct';
  checkKeys(T, options, ['report']);
  const all = [...dataset];
  let anomalies: readonly LabelAnomaly[];
  if (options.report === undefined) anomalies = checkLabels(all, dataset.labels, {}, T).anomalies;
  else {
    const report = options.report as { labels?: unknown; validation_reports?: unknown } | null;
    if (report !== null && typeof report === 'object' && 'validation_reports' in report) anomalies = fromDatumaro(T, report.validation_reports);
    else {
      const labels = report?.labels;
      if (!Array.isArray(labels)) throw invalid(T, 'report', "must be a validation report: an object with a 'labels' list of anomalies (cifarkit's) or 'validation_reports' (Datumaro's)");
      anomalies = labels as LabelAnomaly[];
    }
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
