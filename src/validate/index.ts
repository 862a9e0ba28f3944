/**
 * `Dataset.validate`: what a user should know before training on or publishing a dataset —
 * Datumaro's classification label checks (./labels.ts) and exact and near-duplicate images
 * within and across subsets (./duplicates.ts). Pure computation: no I/O.
 */
import type { DatasetView } from '../model/view.js';
import { ErrorCode, UsageError } from '../errors.js';
import { getBackend } from '../kernels/pixels.js';
import { duplicatePairs, findDuplicates, type DuplicateOptions, type DuplicatePair } from './duplicates.js';
import { officialFilesCheck, type FileChecksum, type OfficialFilesCheck } from './official.js';
import { checkLabels, DEFAULT_FAR_FROM_MEAN_THR, DEFAULT_FEW_SAMPLES_THR, DEFAULT_IMBALANCE_RATIO_THR, type LabelAnomaly, type LabelCheckOptions } from './labels.js';

/**
 * The options of `Dataset.validate` and {@link validateDataset}: the label checks' thresholds
 * and the duplicate search's.
 *
 * @example
 * ```ts
 * import { Dataset, type ValidateOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: ValidateOptions = { fewSamplesThr: 0, threshold: 0 };
 * const report = ds.validate(options);
 * console.log(report.labels.length, report.summary.nearDuplicates); // 0 0
 * ```
 */
export interface ValidateOptions extends LabelCheckOptions, DuplicateOptions {
  /** Look for duplicate images (default true). */
  duplicates?: boolean;
}

/**
 * The counts and settings of a validation: `summary` of a {@link ValidationReport}.
 *
 * @example
 * ```ts
 * import { Dataset, type ValidationSummary } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const summary: ValidationSummary = ds.validate().summary;
 * console.log(summary.items, summary.warnings, summary.exactDuplicates, summary.labelCounts); // 5 3 6 { airplane: 1, automobile: 1, bird: 1, cat: 2 }
 * ```
 */
export interface ValidationSummary {
  /** Items validated. */
  items: number;
  /** Items per subset, in the dataset's subset order. */
  subsets: Record<string, number>;
  /** Items with an image (hashed for duplicates). */
  images: number;
  /** Label annotations per defined label. */
  labelCounts: Record<string, number>;
  /** Largest / smallest label count; null without labels, and (in JSON) when a label has none. */
  imbalanceRatio: number | null;
  /** Label findings of severity 'error'. */
  errors: number;
  /** Label findings of severity 'warning'. */
  warnings: number;
  /** The hash behind near-duplicates. */
  hash: 'pHash-DCT-64';
  /** Hamming threshold in bits (of 64) used for near-duplicates; null when duplicates were not searched. */
  threshold: number | null;
  /** Pairs of identical images. */
  exactDuplicates: number;
  /** Pairs of alike, not identical images. */
  nearDuplicates: number;
  /** Of all pairs (exact and near), those whose two items are in different subsets (train <-> test). */
  acrossSubsets: number;
  /** True when `maxPairs` cut the duplicate list short. */
  duplicatesTruncated: boolean;
  /** The backend that ran the hashing ('wasm' or 'js'). */
  backend: 'wasm' | 'js';
  /** The FewSamplesInLabel threshold in effect. */
  fewSamplesThr: number;
  /** The ImbalancedLabels threshold in effect. */
  imbalanceRatioThr: number;
  /** The UnusualImageSize threshold in effect. */
  farFromMeanThr: number;
  /** Whether the files are the untouched official CIFAR-10/100 (torchvision's per-file md5 list; needs an import with `checksums: true`). */
  officialFiles: OfficialFilesCheck;
}

/**
 * What `Dataset.validate` and {@link validateDataset} give: plain, JSON-able data.
 *
 * @example
 * ```ts
 * import { Dataset, type ValidationReport } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const report: ValidationReport = ds.validate();
 * console.log(report.labels.length, report.duplicates.length, JSON.parse(JSON.stringify(report)).summary.items); // 3 10 5
 * ```
 */
export interface ValidationReport {
  /** The counts and settings. */
  summary: ValidationSummary;
  /** The label report: Datumaro's classification anomalies, in its order of checks. */
  labels: LabelAnomaly[];
  /** Duplicate pairs, a before b in dataset order, ordered by a then b. */
  duplicates: DuplicatePair[];
}

const KNOWN = ['fewSamplesThr', 'imbalanceRatioThr', 'farFromMeanThr', 'threshold', 'maxPairs', 'duplicates'];

/**
 * Validates a dataset (see {@link ValidateOptions}); the report is plain JSON-able data.
 * `checksums`: the md5s its import took (`Dataset.fileChecksums`), for `summary.officialFiles`.
 *
 * @example
 * ```ts
 * import { Dataset, validateDataset } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar', { checksums: true });
 * const report = validateDataset(ds, { duplicates: false }, ds.fileChecksums);
 * console.log(report.summary.threshold, report.summary.officialFiles.verdict); // null modified
 * ```
 */
export function validateDataset(dataset: DatasetView, options: ValidateOptions = {}, checksums: readonly FileChecksum[] | null = null): ValidationReport {
  if (options === null || typeof options !== 'object') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'validate: options must be an object');
  for (const k of Object.keys(options)) {
    if (!KNOWN.includes(k)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `validate: unknown option '${k}' (known: ${KNOWN.join(', ')})`);
  }
  const items = [...dataset];
  const labels = checkLabels(items, dataset.labels, options, 'validate', dataset.columns?.() ?? null);
  const search = options.duplicates === false ? null : findDuplicates(items, options);
  const duplicates = search ? duplicatePairs(items, search) : [];
  const exact = duplicates.filter((d) => d.exact).length;
  // Keyed by data: a null-prototype record, so a subset named '__proto__' is a key like any other.
  const subsets: Record<string, number> = Object.create(null);
  for (const s of dataset.subsets()) subsets[s] = 0;
  for (const item of items) subsets[item.subset] = (subsets[item.subset] ?? 0) + 1;
  return {
    summary: {
      items: items.length,
      subsets,
      images: items.filter((i) => i.media && i.media.height > 0 && i.media.width > 0).length,
      labelCounts: labels.labelCounts,
      imbalanceRatio: labels.imbalanceRatio,
      errors: labels.anomalies.filter((a) => a.severity === 'error').length,
      warnings: labels.anomalies.filter((a) => a.severity === 'warning').length,
      hash: 'pHash-DCT-64',
      threshold: search ? search.threshold : null,
      exactDuplicates: exact,
      nearDuplicates: duplicates.length - exact,
      acrossSubsets: duplicates.filter((d) => d.a.subset !== d.b.subset).length,
      duplicatesTruncated: search?.truncated ?? false,
      backend: getBackend(),
      fewSamplesThr: options.fewSamplesThr ?? DEFAULT_FEW_SAMPLES_THR,
      imbalanceRatioThr: options.imbalanceRatioThr ?? DEFAULT_IMBALANCE_RATIO_THR,
      farFromMeanThr: options.farFromMeanThr ?? DEFAULT_FAR_FROM_MEAN_THR,
      officialFiles: officialFilesCheck(checksums),
    },
    labels: labels.anomalies,
    duplicates,
  };
}

export { OFFICIAL_FILE_MD5, describeOfficialFiles, type OfficialFilesCheck, type FileChecksum, type OfficialDataset } from './official.js';
export { DEFAULT_THRESHOLD, DEFAULT_MAX_PAIRS, type DuplicatePair, type DuplicateOptions, type ItemKey } from './duplicates.js';
export { DEFAULT_FEW_SAMPLES_THR, DEFAULT_IMBALANCE_RATIO_THR, DEFAULT_FAR_FROM_MEAN_THR, type LabelAnomaly, type AnomalyType, type LabelCheckOptions } from './labels.js';
