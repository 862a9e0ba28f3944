/** Annotations and label categories, named as in Datumaro. */
import { ErrorCode, UsageError } from '../errors.js';

/** A class label: `label` is an index into the dataset's `LabelCategories`. */
export class Label {
  readonly type = 'label' as const;
  constructor(
    readonly label: number,
    readonly attributes: Record<string, unknown> = {},
  ) {
    if (!Number.isSafeInteger(label) || label < 0) {
      throw new UsageError(ErrorCode.INVALID_ARGUMENT, `a label index must be a non-negative integer, got ${label}`);
    }
  }
}

export type Annotation = Label;

export interface LabelCategory {
  name: string;
  /** The superclass (CIFAR-100's coarse label) or '' */
  parent: string;
}

/** The list of label names of a dataset; a label's index is its position here. */
export class LabelCategories {
  readonly items: LabelCategory[] = [];
  private readonly indices = new Map<string, number>();

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
    if (typeof name !== 'string') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'a label name must be a string');
    if (this.indices.has(name)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `label '${name}' is already defined`);
    this.indices.set(name, this.items.length);
    this.items.push({ name, parent });
    return this.items.length - 1;
  }

  /** The index of a label name, or -1. */
  find(name: string): number {
    return this.indices.get(name) ?? -1;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<LabelCategory> {
    return this.items[Symbol.iterator]();
  }
}
