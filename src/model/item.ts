/** One dataset item: an id unique within its subset, optional media, annotations. */
import { ErrorCode, UsageError } from '../errors.js';
import type { Annotation } from './annotations.js';
import type { Image } from '../image/image.js';

/**
 * What `new DatasetItem(...)` takes.
 *
 * @example
 * ```ts
 * import { DatasetItem, Label, type DatasetItemInit } from 'cifarkit';
 *
 * const init: DatasetItemInit = { id: 'cat_001', subset: 'train', annotations: [new Label(3)] };
 * console.log(new DatasetItem(init).subset); // train
 * ```
 */
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

/** Set and read the columnar origin of an item (see `markOrigin`). */
let setOrigin: (item: DatasetItem, base: object, row: number) => void;
let getBase: (item: DatasetItem) => object | null;
let getRow: (item: DatasetItem) => number;

/**
 * One item of a dataset, as Datumaro's `DatasetItem`. Immutable: datasets made by `filter`,
 * `transform` and `merge` share items (and their images), so an item, its annotation list and
 * its attributes are frozen; make a new item to change one.
 *
 * @example
 * ```ts
 * import { DatasetItem, Image, Label } from 'cifarkit';
 *
 * const rgb = new Uint8Array(32 * 32 * 3).fill(128);
 * const item = new DatasetItem({ id: 'cat_001', subset: 'train', media: Image.fromHWC(rgb, 32, 32), annotations: [new Label(3)] });
 * console.log(item.id, item.media?.width, Object.isFrozen(item)); // cat_001 32 true
 * ```
 */
export class DatasetItem {
  // Where a columnar subset made this item (model/columns.ts): private, so no API shows them;
  // set once, right after construction.
  #base: object | null = null;
  #row = -1;
  static {
    setOrigin = (item, base, row) => {
      item.#base = base;
      item.#row = row;
    };
    getBase = (item) => item.#base;
    getRow = (item) => item.#row;
  }

  /** The id, unique within its subset. */
  readonly id: string;
  /** The subset name ('default' when none was given). */
  readonly subset: string;
  /** The image, or null. */
  readonly media: Image | null;
  /** The annotations (frozen). */
  readonly annotations: readonly Annotation[];
  /** Item-level attributes (frozen). */
  readonly attributes: Readonly<Record<string, unknown>>;

  /** An item from `init`; a UsageError (INVALID_ARGUMENT) for an empty id. */

  constructor(init: DatasetItemInit) {
    if (typeof init.id !== 'string' || init.id === '') {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a DatasetItem needs a non-empty string id');
    }
    this.id = init.id;
    this.subset = init.subset ?? 'default';
    this.media = init.media ?? null;
    const { annotations, attributes } = init;
    // Copied, then frozen: the caller's own array and object stay theirs.
    // A frozen array cannot change under the item: kept (a columnar subset shares one per label).
    this.annotations =
      annotations === undefined || annotations.length === 0 ? NO_ANNOTATIONS : Array.isArray(annotations) && Object.isFrozen(annotations) ? annotations : Object.freeze(Array.from(annotations));
    this.attributes = attributes === undefined ? NO_ATTRIBUTES : Object.freeze({ ...attributes });
    Object.freeze(this);
  }
}

/** @internal Marks `item` as row `row` of the columnar subset `base` (see model/columns.ts). */
export function markOrigin(item: DatasetItem, base: object, row: number): void {
  setOrigin(item, base, row);
}

/** @internal The columnar subset an item was made from, or null. */
export function originBase(item: DatasetItem): object | null {
  return getBase(item);
}

/** @internal The row of `originBase(item)` the item is. */
export function originRow(item: DatasetItem): number {
  return getRow(item);
}
