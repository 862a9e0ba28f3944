/**
 * Dataset transforms, named and configured as Datumaro's (`datum transform -t <name> -- <args>`,
 * `Dataset.transform(name, **options)`): remap_labels, rename, random_split, map_subsets,
 * remove_items, remove_images, remove_annotations, remove_attributes, reindex, sort,
 * id_from_image_name, project_labels, resize, split, random_sampler, label_random_sampler, ndr,
 * correct; and cifarkit's remove_duplicates. This is the registry; each transform lives in its own
 * file beside it, the option checks and command-line tables in ./options.ts, the command-line
 * parser in ./argv.ts.
 *
 * Each takes JS options (see the `*Options` types) or, through {@link parseTransformArgs}, the
 * argument list of Datumaro's command line. Transforms never copy pixels: an item that keeps its
 * image keeps the same `Image` object (and so the same buffer); only resize makes new images.
 */
import { CifarkitError, ErrorCode, UsageError } from '../../errors.js';
import type { DatasetView } from '../../model/view.js';
import type { DatasetParts } from '../../model/subsets.js';
import { parseArgs, usageText } from './argv.js';
import { CORRECT, type CorrectOptions } from './correct.js';
import { ID_FROM_IMAGE_NAME } from './id-from-image-name.js';
import { MAP_SUBSETS, type MapSubsetsOptions } from './map-subsets.js';
import { NDR, type NdrOptions } from './ndr.js';
import { show, type TransformEntry } from './options.js';
import { PROJECT_LABELS, type ProjectLabelsOptions } from './project-labels.js';
import { RANDOM_SPLIT, type RandomSplitOptions } from './random-split.js';
import { REINDEX, type ReindexOptions } from './reindex.js';
import { REMAP_LABELS, type RemapLabelsOptions } from './remap-labels.js';
import { REMOVE_ANNOTATIONS, REMOVE_ATTRIBUTES, REMOVE_IMAGES, REMOVE_ITEMS, type ItemRefsOptions, type RemoveAttributesOptions } from './remove.js';
import { REMOVE_DUPLICATES, type RemoveDuplicatesOptions } from './remove-duplicates.js';
import { RENAME, type RenameOptions } from './rename.js';
import { RESIZE, type ResizeOptions } from './resize.js';
import { LABEL_RANDOM_SAMPLER, RANDOM_SAMPLER, type LabelRandomSamplerOptions, type RandomSamplerOptions } from './samplers.js';
import { SORT, type SortOptions } from './sort.js';
import { SPLIT, type SplitOptions } from './split.js';

export { copyLabels, presentSubsets, type DatasetParts } from '../../model/subsets.js';
export type { ItemRef } from './options.js';
export type { DatumaroValidationReport } from './correct.js';
export { splitSedExpression } from './regex.js';
export { randomSplitAssignment } from './random-split.js';
export type {
  CorrectOptions,
  ItemRefsOptions,
  LabelRandomSamplerOptions,
  MapSubsetsOptions,
  NdrOptions,
  ProjectLabelsOptions,
  RandomSamplerOptions,
  RandomSplitOptions,
  ReindexOptions,
  RemapLabelsOptions,
  RemoveAttributesOptions,
  RemoveDuplicatesOptions,
  RenameOptions,
  ResizeOptions,
  SortOptions,
  SplitOptions,
};

/**
 * The options of every transform, by name: what `Dataset.transform(name, options)` and
 * {@link parseTransformArgs} take and give for each name.
 *
 * @example
 * const options: TransformOptionsMap['random_split'] = { splits: { train: 0.8, test: 0.2 }, seed: 1 };
 */
export interface TransformOptionsMap {
  remap_labels: RemapLabelsOptions;
  rename: RenameOptions;
  random_split: RandomSplitOptions;
  map_subsets: MapSubsetsOptions;
  remove_items: ItemRefsOptions;
  remove_images: ItemRefsOptions;
  remove_annotations: ItemRefsOptions;
  remove_attributes: RemoveAttributesOptions;
  remove_duplicates: RemoveDuplicatesOptions;
  reindex: ReindexOptions;
  sort: SortOptions;
  id_from_image_name: Record<string, never>;
  project_labels: ProjectLabelsOptions;
  resize: ResizeOptions;
  split: SplitOptions;
  random_sampler: RandomSamplerOptions;
  label_random_sampler: LabelRandomSamplerOptions;
  ndr: NdrOptions;
  correct: CorrectOptions;
}

/**
 * The name of a transform `Dataset.transform` knows (Datumaro's names, plus `remove_duplicates`).
 *
 * @example
 * const name: TransformName = 'remap_labels';
 */
export type TransformName = keyof TransformOptionsMap;

const TRANSFORMS: Record<TransformName, TransformEntry> = {
  remap_labels: REMAP_LABELS,
  rename: RENAME,
  random_split: RANDOM_SPLIT,
  map_subsets: MAP_SUBSETS,
  remove_items: REMOVE_ITEMS,
  remove_images: REMOVE_IMAGES,
  remove_annotations: REMOVE_ANNOTATIONS,
  remove_attributes: REMOVE_ATTRIBUTES,
  remove_duplicates: REMOVE_DUPLICATES,
  reindex: REINDEX,
  sort: SORT,
  id_from_image_name: ID_FROM_IMAGE_NAME,
  project_labels: PROJECT_LABELS,
  resize: RESIZE,
  split: SPLIT,
  random_sampler: RANDOM_SAMPLER,
  label_random_sampler: LABEL_RANDOM_SAMPLER,
  ndr: NDR,
  correct: CORRECT,
};

/**
 * The names of the transforms `Dataset.transform` knows, in a fixed order.
 *
 * @example
 * transformNames().includes('random_split'); // true
 */
export function transformNames(): TransformName[] {
  return Object.keys(TRANSFORMS) as TransformName[];
}

/**
 * @internal A transform name from a command line, checked: TRANSFORM_UNKNOWN (a UsageError
 * listing the known ones) when it names none.
 */
export function checkTransformName(name: string): TransformName {
  entry(name);
  return name as TransformName;
}

function entry(name: unknown): TransformEntry {
  if (typeof name !== 'string' || !Object.hasOwn(TRANSFORMS, name)) {
    throw new UsageError(ErrorCode.TRANSFORM_UNKNOWN, `unknown transform ${show(name)}; known transforms: ${transformNames().join(', ')}`);
  }
  return TRANSFORMS[name as TransformName];
}

/**
 * A help text for a transform's command-line options (what `datum transform -t <name> -- -h`
 * shows). An unknown name is a UsageError TRANSFORM_UNKNOWN.
 *
 * @example
 * console.log(transformUsage('random_split')); // "random_split: Joins all subsets ...\n\nOptions:\n  -s, --subset <subset>:<ratio> ..."
 */
export function transformUsage(name: string): string {
  const e = entry(name);
  return usageText(name, e.summary, e.args);
}

/**
 * The options of a transform from Datumaro's command-line arguments (what follows `--` in
 * `datum transform -t <name> -- <args>`). Accepts `-l value`, `-lvalue`, `--label value` and
 * `--label=value`; a bad argument is a UsageError INVALID_ARGUMENT, an unknown name
 * TRANSFORM_UNKNOWN.
 *
 * @example
 * parseTransformArgs('remap_labels', ['-l', 'cat:dog', '-l', 'bird:', '--default', 'delete']);
 * // { mapping: [['cat', 'dog'], ['bird', '']], default: 'delete' }
 */
export function parseTransformArgs<N extends TransformName>(name: N, argv: readonly string[]): TransformOptionsMap[N];
export function parseTransformArgs(name: string, argv: readonly string[]): object;
export function parseTransformArgs(name: string, argv: readonly string[]): object {
  return parseArgs(name, entry(name).args, argv);
}

/**
 * Runs a transform on a dataset view (what `Dataset.transform` calls). Bad options are a
 * UsageError INVALID_ARGUMENT (or the transform's own code, e.g. DUPLICATE_ITEM); any other
 * error a transform throws is wrapped in one.
 *
 * @example
 * const parts = applyTransform(view, 'sort', {}); // { items, labels, subsets }
 */
export function applyTransform(dataset: DatasetView, name: string, options: unknown = {}): DatasetParts {
  const e = entry(name);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: options must be an object, got ${show(options)} (use parseTransformArgs for a command line)`);
  }
  try {
    return e.run(dataset, options as never);
  } catch (err) {
    if (err instanceof CifarkitError) throw err;
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
