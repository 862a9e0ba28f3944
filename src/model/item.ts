/** One dataset item: an id unique within its subset, optional media, annotations. */
import { ErrorCode, UsageError } from '../errors.js';
import type { Annotation } from './annotations.js';
import type { Image } from '../image/image.js';

/** What `new DatasetItem(...)` takes. */
export interface DatasetItemInit {
  /** Unique within its subset: a file name without extension for CIFAR ('cat_001'). */
  id: string;
  /** The subset ('train', 'test', 'data_batch_1', ...); default 'default', as in Datumaro. */
  subset?: string;
  /** The image, or null for an item without one. */
  media?: Image | null;
  /** Its annotations: for classification, `Label`s. */
  annotations?: readonly Annotation[];
  /** Item-level attributes (name -> value), kept by formats that have them. */
  attributes?: Readonly<Record<string, unknown>>;
}

const NO_ANNOTATIONS: readonly Annotation[] = Object.freeze([]);
const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * One item of a dataset, as Datumaro's `DatasetItem`. Immutable: datasets made by `filter`,
 * `transform` and `merge` share items (and their images), so an item, its annotation list and
 * its attributes are frozen; make a new item to change one.
 *
 * @example
 * ```ts
 * const item = new DatasetItem({ id: 'cat_001', subset: 'train', media: Image.fromHWC(rgb, 32, 32), annotations: [new Label(3)] });
 * ```
 */
export class DatasetItem {
  readonly id: string;
  readonly subset: string;
  readonly media: Image | null;
  readonly annotations: readonly Annotation[];
  readonly attributes: Readonly<Record<string, unknown>>;

  constructor(init: DatasetItemInit) {
    if (typeof init.id !== 'string' || init.id === '') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a DatasetItem needs a non-empty string id');
    }
    this.id = init.id;
    this.subset = init.subset ?? 'default';
    this.media = init.media ?? null;
    const { annotations, attributes } = init;
    // Copied, then frozen: the caller's own array and object stay theirs.
    this.annotations = annotations === undefined || annotations.length === 0 ? NO_ANNOTATIONS : Object.freeze(Array.from(annotations));
    this.attributes = attributes === undefined ? NO_ATTRIBUTES : Object.freeze({ ...attributes });
    Object.freeze(this);
  }
}
