/** Annotations and label categories, named as in Datumaro. */
import { ErrorCode, UsageError } from '../errors.js';

const NO_ATTRIBUTES: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * A class label: `label` is an index into the dataset's `LabelCategories`. Immutable (frozen,
 * its attributes too), as items are.
 *
 * @example
 * ```ts
 * import { Dataset, Label } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const cat = new Label(ds.labels.find('cat'), { score: 0.9 });
 * console.log(cat.type, cat.label, cat.attributes.score); // label 3 0.9
 * ```
 */
export class Label {
  /** The annotation kind: always 'label' (Datumaro's `AnnotationType.label`). */
  readonly type = 'label' as const;
  /** The index of the label in the dataset's {@link LabelCategories}. */
  readonly label: number;
  /** Annotation-level attributes (name -> value); empty when there are none. */
  readonly attributes: Readonly<Record<string, unknown>>;

  /** A label annotation for the category at index `label` (an integer >= 0). */

  constructor(label: number, attributes?: Readonly<Record<string, unknown>>) {
    if (!Number.isSafeInteger(label) || label < 0) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `a label index must be a non-negative integer, got ${label}`);
    }
    this.label = label;
    this.attributes = attributes === undefined ? NO_ATTRIBUTES : Object.freeze({ ...attributes });
    Object.freeze(this);
  }
}

/**
 * What an item's `annotations` hold: for classification, labels (Datumaro's other kinds are not read).
 *
 * @example
 * ```ts
 * import { Label, type Annotation } from 'cifarkit';
 *
 * const annotations: Annotation[] = [new Label(0)];
 * console.log(annotations.filter((a) => a.type === 'label').length); // 1
 * ```
 */
export type Annotation = Label;

/**
 * One label category: its name and superclass.
 *
 * @example
 * ```ts
 * import { LabelCategories, type LabelCategory } from 'cifarkit';
 *
 * const labels = LabelCategories.fromIterable([['maple_tree', 'trees'], ['oak_tree', 'trees']]);
 * const first: LabelCategory = labels.items[0]!;
 * console.log(first.name, first.parent); // maple_tree trees
 * ```
 */
export interface LabelCategory {
  /** The label name, unique in its categories. */
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
 * import { LabelCategories } from 'cifarkit';
 *
 * const labels = LabelCategories.fromIterable(['cat', 'dog']);
 * console.log(labels.find('dog'), labels.add('bird'), labels.length); // 1 2 3
 * console.log([...labels].map((c) => c.name)); // [ 'cat', 'dog', 'bird' ]
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

  /** The categories in index order. */
  [Symbol.iterator](): Iterator<LabelCategory> {
    return this.list[Symbol.iterator]();
  }
}
