/**
 * The label report: Datumaro's classification checks (datum validate -t classification, its
 * ClassificationValidator) with its names, severities and default thresholds, plus two image
 * checks of cifarkit's own (MissingImage, UnusualImageSize).
 */
import type { LabelCategories } from '../model/annotations.js';
import type { ColumnRun } from '../model/columns.js';
import type { DatasetItem } from '../model/item.js';
import { ErrorCode, UsageError } from '../errors.js';
import type { ItemKey } from './duplicates.js';

/**
 * Datumaro's default `few_samples_thr` (its `_TaskValidator` default): FewSamplesInLabel for a
 * label with 1..this many samples.
 *
 * @example
 * ```ts
 * import { DEFAULT_FEW_SAMPLES_THR } from 'cifarkit';
 *
 * console.log(DEFAULT_FEW_SAMPLES_THR); // 1
 * ```
 */
export const DEFAULT_FEW_SAMPLES_THR = 1;
/**
 * Datumaro's default `imbalance_ratio_thr`: ImbalancedLabels when largest / smallest label count >= this.
 *
 * @example
 * ```ts
 * import { DEFAULT_IMBALANCE_RATIO_THR } from 'cifarkit';
 *
 * console.log(DEFAULT_IMBALANCE_RATIO_THR); // 50
 * ```
 */
export const DEFAULT_IMBALANCE_RATIO_THR = 50;
/**
 * Datumaro's default `far_from_mean_thr`: UnusualImageSize beyond this many standard deviations.
 *
 * @example
 * ```ts
 * import { DEFAULT_FAR_FROM_MEAN_THR } from 'cifarkit';
 *
 * console.log(DEFAULT_FAR_FROM_MEAN_THR); // 5
 * ```
 */
export const DEFAULT_FAR_FROM_MEAN_THR = 5;

/**
 * The kinds of label findings: Datumaro's classification anomaly names, plus cifarkit's image checks.
 *
 * @example
 * ```ts
 * import { Dataset, type AnomalyType } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const types: AnomalyType[] = ds.validate().labels.map((anomaly) => anomaly.type);
 * console.log(new Set(types)); // Set(1) { 'FewSamplesInLabel' }
 * ```
 */
export type AnomalyType =
  | 'MissingLabelCategories'
  | 'MissingAnnotation'
  | 'MultiLabelAnnotations'
  | 'LabelDefinedButNotFound'
  | 'OnlyOneLabel'
  | 'FewSamplesInLabel'
  | 'ImbalancedLabels'
  | 'UndefinedLabel'
  | 'MissingImage'
  | 'UnusualImageSize';

/**
 * One finding of the label report.
 *
 * @example
 * ```ts
 * import { Dataset, type LabelAnomaly } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const first: LabelAnomaly = ds.validate().labels[0]!;
 * console.log(first.severity, first.label, first.description); // warning airplane the label 'airplane' has only 1 sample (threshold 1)
 * ```
 */
export interface LabelAnomaly {
  /** What was found. */
  type: AnomalyType;
  /** 'error' or 'warning', as Datumaro rates the anomaly. */
  severity: 'error' | 'warning';
  /** One line for a person. */
  description: string;
  /** The item it is about, for per-item findings. */
  item?: ItemKey;
  /** The label name (or, for UndefinedLabel, the index as a string) it is about. */
  label?: string;
  /** FewSamplesInLabel: the label's sample count. */
  count?: number;
}

export interface LabelCheckOptions {
  /** FewSamplesInLabel when a label has 1..fewSamplesThr samples (Datumaro: few_samples_thr, default 1). */
  fewSamplesThr?: number;
  /** ImbalancedLabels when largest / smallest label count >= this (Datumaro: imbalance_ratio_thr, default 50). */
  imbalanceRatioThr?: number;
  /** UnusualImageSize when an image's height or width is farther than this many standard deviations from the mean (Datumaro: far_from_mean_thr, default 5). */
  farFromMeanThr?: number;
}

export interface LabelCheckResult {
  anomalies: LabelAnomaly[];
  /** Annotations per defined label, by name (Datumaro counts annotations, so a label given twice to an item counts twice). */
  labelCounts: Record<string, number>;
  /** Largest / smallest label count (null: no labels; Infinity when a label has none). */
  imbalanceRatio: number | null;
}

function positive(where: string, name: string, value: number | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${where}: option '${name}' must be a non-negative number, got ${String(value)}`);
  }
  return value;
}

/**
 * `runs`: the dataset's columnar runs when it is columnar (`DatasetView.columns`): then the
 * per-item checks read the label column and the blocks' sizes, and `items` is used only for the
 * sizes check when blocks of several sizes meet (the same anomalies, in the same order).
 */
export function checkLabels(items: readonly DatasetItem[], labels: LabelCategories, options: LabelCheckOptions = {}, where = 'validate', runs: readonly ColumnRun[] | null = null): LabelCheckResult {
  const fewThr = positive(where, 'fewSamplesThr', options.fewSamplesThr, DEFAULT_FEW_SAMPLES_THR);
  const ratioThr = positive(where, 'imbalanceRatioThr', options.imbalanceRatioThr, DEFAULT_IMBALANCE_RATIO_THR);
  const farThr = positive(where, 'farFromMeanThr', options.farFromMeanThr, DEFAULT_FAR_FROM_MEAN_THR);
  const names = labels.items.map((l) => l.name);
  const counts = names.map(() => 0);
  const key = (item: DatasetItem): ItemKey => ({ subset: item.subset, id: item.id });
  const where2 = (item: DatasetItem) => `item '${item.id}' in subset '${item.subset}'`;

  const missing: LabelAnomaly[] = [];
  const multi: LabelAnomaly[] = [];
  const undefinedLabels: LabelAnomaly[] = [];
  const missingImage: LabelAnomaly[] = [];
  if (runs) {
    for (const run of runs) {
      const { base, rows, labels: column, block } = run;
      const noImage = !block || block.height === 0 || block.width === 0;
      for (let i = 0; i < run.length; i++) {
        const label = column[i]!;
        const at = (): [ItemKey, string] => {
          const id = base.id(rows ? rows[i]! : i);
          return [{ subset: run.subset, id }, `item '${id}' in subset '${run.subset}'`];
        };
        if (label < 0) {
          const [item, text] = at();
          missing.push({ type: 'MissingAnnotation', severity: 'warning', description: `${text} has no label`, item });
        } else if (label < names.length) counts[label]!++;
        else {
          const [item, text] = at();
          undefinedLabels.push({ type: 'UndefinedLabel', severity: 'error', description: `${text} has the label ${label}, which is not one of the ${names.length} label categories`, item, label: String(label) });
        }
        if (noImage) {
          const [item, text] = at();
          missingImage.push({ type: 'MissingImage', severity: 'warning', description: `${text} has no image`, item });
        }
      }
    }
  }
  for (const item of runs ? [] : items) {
    const anns = item.annotations.filter((a) => a.type === 'label');
    if (anns.length === 0) {
      missing.push({ type: 'MissingAnnotation', severity: 'warning', description: `${where2(item)} has no label`, item: key(item) });
    } else if (anns.length > 1) {
      multi.push({ type: 'MultiLabelAnnotations', severity: 'error', description: `${where2(item)} has ${anns.length} labels; classification needs one`, item: key(item) });
    }
    for (const a of anns) {
      if (Number.isInteger(a.label) && a.label >= 0 && a.label < names.length) counts[a.label]!++;
      else {
        undefinedLabels.push({
          type: 'UndefinedLabel',
          severity: 'error',
          description: `${where2(item)} has the label ${a.label}, which is not one of the ${names.length} label categories`,
          item: key(item),
          label: String(a.label),
        });
      }
    }
    const m = item.media;
    if (!m || m.height === 0 || m.width === 0) {
      missingImage.push({ type: 'MissingImage', severity: 'warning', description: `${where2(item)} has no image`, item: key(item) });
    }
  }

  const anomalies: LabelAnomaly[] = [];
  // Datumaro's order of checks.
  if (names.length === 0) {
    anomalies.push({ type: 'MissingLabelCategories', severity: 'error', description: 'the dataset defines no label categories' });
  }
  for (const a of missing) anomalies.push(a);
  for (const a of multi) anomalies.push(a);
  names.forEach((name, i) => {
    if (counts[i] === 0) anomalies.push({ type: 'LabelDefinedButNotFound', severity: 'warning', description: `the label '${name}' is defined but no item has it`, label: name });
  });
  const found = names.filter((_, i) => counts[i]! > 0);
  if (found.length === 1) anomalies.push({ type: 'OnlyOneLabel', severity: 'warning', description: `only one label is used: '${found[0]}'`, label: found[0]! });
  names.forEach((name, i) => {
    const c = counts[i]!;
    if (c > 0 && c <= fewThr) {
      anomalies.push({ type: 'FewSamplesInLabel', severity: 'warning', description: `the label '${name}' has only ${c} sample${c === 1 ? '' : 's'} (threshold ${fewThr})`, label: name, count: c });
    }
  });
  let imbalanceRatio: number | null = null;
  if (counts.length > 0) {
    // Loops, not Math.max(...counts): one argument per label overflows past ~120k labels.
    let max = counts[0]!;
    let min = counts[0]!;
    for (const c of counts) {
      if (c > max) max = c;
      if (c < min) min = c;
    }
    imbalanceRatio = min > 0 ? max / min : Infinity;
    if (imbalanceRatio >= ratioThr) {
      anomalies.push({
        type: 'ImbalancedLabels',
        severity: 'warning',
        description: `the labels are imbalanced: the largest has ${max} samples, the smallest ${min} (ratio ${min > 0 ? imbalanceRatio.toFixed(1) : 'infinite'}, threshold ${ratioThr})`,
      });
    }
  }
  // One size for every image of a columnar dataset: none is far from the mean.
  const sized = runs?.find((r) => r.block)?.block;
  const oneSize = runs !== null && runs.every((r) => !r.block || !sized || (r.block.height === sized.height && r.block.width === sized.width));
  for (const list of [undefinedLabels, missingImage, oneSize ? [] : unusualSizes(items, farThr, where2, key)]) for (const a of list) anomalies.push(a);
  return { anomalies, labelCounts: Object.fromEntries(names.map((n, i) => [n, counts[i]!])), imbalanceRatio };
}

/** Images whose height or width lies farther than thr standard deviations from the mean (population stdev, as numpy). */
function unusualSizes(items: readonly DatasetItem[], thr: number, where: (i: DatasetItem) => string, key: (i: DatasetItem) => ItemKey): LabelAnomaly[] {
  const withImage = items.filter((i) => i.media && i.media.height > 0 && i.media.width > 0);
  if (withImage.length < 2) return [];
  const stats = (get: (i: DatasetItem) => number) => {
    const mean = withImage.reduce((s, i) => s + get(i), 0) / withImage.length;
    const sd = Math.sqrt(withImage.reduce((s, i) => s + (get(i) - mean) ** 2, 0) / withImage.length);
    return { mean, sd };
  };
  const h = stats((i) => i.media!.height);
  const w = stats((i) => i.media!.width);
  const far = (v: number, s: { mean: number; sd: number }) => Math.abs(v - s.mean) > thr * s.sd;
  const out: LabelAnomaly[] = [];
  for (const item of withImage) {
    const m = item.media!;
    if (far(m.height, h) || far(m.width, w)) {
      out.push({
        type: 'UnusualImageSize',
        severity: 'warning',
        description: `${where(item)} is ${m.height}x${m.width}, far from the mean size ${h.mean.toFixed(1)}x${w.mean.toFixed(1)} (more than ${thr} standard deviations)`,
        item: key(item),
      });
    }
  }
  return out;
}
