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
 * ```ts
 * import { Dataset, type TransformOptionsMap } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: TransformOptionsMap['random_split'] = { splits: { train: 0.8, test: 0.2 }, seed: 1 };
 * console.log(ds.transform('random_split', options).subsets()); // [ 'train', 'test' ]
 * ```
 */
export interface TransformOptionsMap {
  /** Rename, join or delete labels. */
  remap_labels: RemapLabelsOptions;
  /** Rename items by a regular expression. */
  rename: RenameOptions;
  /** Split all items into new subsets at random, by ratio. */
  random_split: RandomSplitOptions;
  /** Rename subsets. */
  map_subsets: MapSubsetsOptions;
  /** Remove items. */
  remove_items: ItemRefsOptions;
  /** Remove the images of items (the items stay). */
  remove_images: ItemRefsOptions;
  /** Remove the annotations of items. */
  remove_annotations: ItemRefsOptions;
  /** Remove item and annotation attributes. */
  remove_attributes: RemoveAttributesOptions;
  /** cifarkit's: keep one item of each group of duplicate images. */
  remove_duplicates: RemoveDuplicatesOptions;
  /** Number the items (ids 1, 2, 3, ...). */
  reindex: ReindexOptions;
  /** Sort the items. */
  sort: SortOptions;
  /** Ids from the items' image file names (no options). */
  id_from_image_name: Record<string, never>;
  /** Keep, reorder and add labels by name. */
  project_labels: ProjectLabelsOptions;
  /** Resize every image. */
  resize: ResizeOptions;
  /** Split into subsets keeping the label distribution (classification). */
  split: SplitOptions;
  /** Keep a random sample of items. */
  random_sampler: RandomSamplerOptions;
  /** Keep a random sample of items per label. */
  label_random_sampler: LabelRandomSamplerOptions;
  /** Near-duplicate removal: keep a varied subset of a subset. */
  ndr: NdrOptions;
  /** Fix what a validation report found. */
  correct: CorrectOptions;
}

/**
 * The name of a transform `Dataset.transform` knows (Datumaro's names, plus `remove_duplicates`).
 *
 * @example
 * ```ts
 * import { Dataset, type TransformName } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const name: TransformName = 'id_from_image_name';
 * console.log(ds.transform(name).size); // 5
 * ```
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
 * ```ts
 * import { transformNames } from 'cifarkit';
 *
 * console.log(transformNames().includes('random_split'), transformNames().length); // true 19
 * ```
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
 * For example `transformUsage('random_split')` gives "random_split: Joins all subsets ...\n\nOptions:\n  -s, --subset <subset>:<ratio> ...".
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
 * ```ts
 * import { Dataset, parseTransformArgs } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options = parseTransformArgs('remap_labels', ['-l', 'cat:dog', '-l', 'bird:', '--default', 'delete']);
 * console.log(options); // { mapping: [ [ 'cat', 'dog' ], [ 'bird', '' ] ], default: 'delete' }
 * console.log([...ds.transform('remap_labels', options).labels].map((l) => l.name)); // [ 'dog' ]
 * ```
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
 * For example `applyTransform(view, 'sort', {})` gives `{ items, labels, subsets }`.
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
