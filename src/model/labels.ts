/** The one check that every label annotation of a dataset names one of its label categories. */
import { DatasetExportError, ErrorCode } from '../errors.js';
import type { DatasetItem } from './item.js';
import type { DatasetView } from './view.js';

/** The first label annotation (in item order) whose index is not below `count`, or null. */
export function labelOutOfRange(items: Iterable<DatasetItem>, count: number): { item: DatasetItem; label: number } | null {
  for (const item of items) {
    for (const a of item.annotations) if (a.type === 'label' && a.label >= count) return { item, label: a.label };
  }
  return null;
}

/**
 * Refuses a dataset with a label index outside its categories (LABEL_OUT_OF_RANGE, naming the
 * item): what every exporter needs before it writes a label. `validate` reports such labels as
 * `UndefinedLabel` instead, and the `correct` transform removes them.
 */
export function assertLabelsInRange(dataset: DatasetView): void {
  const runs = dataset.columns?.();
  if (runs) {
    // Columnar: one pass over each label column; an item is made only to name the one at fault.
    const count = dataset.labels.length;
    for (const run of runs) {
      const { labels } = run;
      for (let i = 0; i < labels.length; i++) {
        if (labels[i]! >= count) {
          const row = run.rows ? run.rows[i]! : i;
          throw new DatasetExportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${labels[i]} is not an index into the ${count} label categories`, { item: run.base.id(row) });
        }
      }
    }
    return;
  }
  const bad = labelOutOfRange(dataset, dataset.labels.length);
  if (bad) {
    throw new DatasetExportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${bad.label} is not an index into the ${dataset.labels.length} label categories`, {
      item: bad.item.id,
    });
  }
}
