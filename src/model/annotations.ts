/** Annotations and label categories, named as in Datumaro. */
import { ErrorCode, UsageError } from '../errors.js';

const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A class label: `label` is an index into the dataset's `LabelCategories`. Immutable (frozen,
 * its attributes too), as items are.
 *
 * @example
 * ```ts
 * const cat = new Label(ds.labels.find('cat'));
 * ```
 */
export class Label {
  readonly type = 'label' as const;
  readonly label: number;
  readonly attributes: Readonly<Record<string, unknown>>;

  constructor(label: number, attributes?: Readonly<Record<string, unknown>>) {
    if (!Number.isSafeInteger(label) || label < 0) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `a label index must be a non-negative integer, got ${label}`);
    }
    this.label = label;
    this.attributes = attributes === undefined ? NO_ATTRIBUTES : Object.freeze({ ...attributes });
    Object.freeze(this);
  }
}

/** What an item's `annotations` hold: for classification, labels (Datumaro's other kinds are not read). */
export type Annotation = Label;

/** One label category: its name and superclass. */
export interface LabelCategory {
  readonly name: string;
  /** The superclass (CIFAR-100's coarse label) or '' */
  readonly parent: string;
}

/**
 * The list of label names of a dataset; a label's index is its position here. Built with `add`
 * (or `fromIterable`); a dataset's categories are read-only (`add` throws): datasets made from
 * one another share them.
 *
 * @example
 * ```ts
 * const labels = LabelCategories.fromIterable(['cat', 'dog']);
 * labels.find('dog'); // 1
 * ```
 */
export class LabelCategories {
  private readonly list: LabelCategory[] = [];
  private readonly indices = new Map<string, number>();
  private sealed = false;

  /** The categories in index order. */
  get items(): readonly LabelCategory[] {
    return this.list;
  }

  /** From names, or [name, parent] pairs, or {name, parent} objects. */
  static fromIterable(labels: Iterable<string | readonly [string, string?] | { name: string; parent?: string }>): LabelCategories {
    const cats = new LabelCategories();
    for (const l of labels) {
      if (typeof l === 'string') cats.add(l);
      else if (Array.isArray(l)) cats.add(l[0], l[1] ?? '');
      else {
        const o = l as { name: string; parent?: string };
        cats.add(o.name, o.parent ?? '');
      }
    }
    return cats;
  }

  /** Adds a label and returns its index. Names are unique. */
  add(name: string, parent = ''): number {
    if (this.sealed) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `a dataset's label categories are read-only; build new ones (LabelCategories.fromIterable) to add '${String(name)}'`);
    if (typeof name !== 'string') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a label name must be a string');
    if (this.indices.has(name)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `label '${name}' is already defined`);
    this.indices.set(name, this.list.length);
    this.list.push(Object.freeze({ name, parent }));
    return this.list.length - 1;
  }

  /** Sets the superclass of the category at `index` (an importer learns CIFAR-100's from the items). */
  setParent(index: number, parent: string): void {
    if (this.sealed) throw new UsageError(ErrorCode.INVALID_ARGUMENT, "a dataset's label categories are read-only");
    const cat = this.list[index];
    if (!cat) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `no label category ${index}`);
    this.list[index] = Object.freeze({ name: cat.name, parent });
  }

  /** @internal These categories, read-only from now on (when they belong to a dataset). */
  seal(): this {
    if (!this.sealed) {
      this.sealed = true;
      Object.freeze(this.list);
    }
    return this;
  }

  /** Whether `add` is refused (the categories belong to a dataset). */
  get readOnly(): boolean {
    return this.sealed;
  }

  /** A copy that `add` works on. */
  clone(): LabelCategories {
    return LabelCategories.fromIterable(this.list.map((l) => [l.name, l.parent] as const));
  }

  /** The index of a label name, or -1. */
  find(name: string): number {
    return this.indices.get(name) ?? -1;
  }

  /** How many categories there are. */
  get length(): number {
    return this.list.length;
  }

  [Symbol.iterator](): Iterator<LabelCategory> {
    return this.list[Symbol.iterator]();
  }
}
