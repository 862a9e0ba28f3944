/**
 * Columnar subsets (issue 16): a subset imported as columns — ids, first labels (`Int32Array`,
 * -1 = none), one pixel block — instead of one object per item. `DatasetItem`s are made on
 * demand and cached, so `ds.get(x) === ds.get(x)` and iterating twice gives the same objects.
 *
 * A dataset is a list of segments (see `Segment`): runs of rows of a columnar subset (all of it,
 * or a selection: what filter, split and remove_items make of it) and plain item arrays (formats
 * that cannot be columnar, and items made by transforms). Exporters, tensors and validate ask a
 * view for its `columns()` and read them directly when the whole dataset is columnar.
 */
import { Label } from './annotations.js';
import { DatasetItem, markOrigin, originBase, originRow } from './item.js';
import { imageOfBlock } from '../image/image.js';
import type { PixelBlock } from '../image/block.js';

/** Per label index, the frozen annotation list of an item with that one label (items are immutable, so they share it). */
function annotationsFor(cache: (readonly Label[])[], label: number): readonly Label[] {
  return cache[label] ?? (cache[label] = Object.freeze([new Label(label)]));
}

const ascii = new TextDecoder('utf-8');

/**
 * A subset's item ids kept as the bytes the file gave them, decoded on the first id asked for
 * (all at once: one decode and one split): an import makes no string per item. `joined` holds
 * the ids, ASCII without '\n', each followed by '\n'.
 */
export class LazyIds {
  private decoded: readonly string[] | null = null;

  constructor(
    private readonly joined: Uint8Array,
    /** The number of ids. */
    readonly length: number,
  ) {}

  /** Every id, in row order. */
  all(): readonly string[] {
    if (this.decoded) return this.decoded;
    const list = this.length === 0 ? [] : ascii.decode(this.joined.subarray(0, this.joined.length - 1)).split('\n');
    this.decoded = list;
    return list;
  }
}

/** The columnar subset `item` was made from (see `ColumnarSubset.item`), or null. */
export function baseOf(item: DatasetItem): ColumnarSubset | null {
  return originBase(item) as ColumnarSubset | null;
}

/**
 * A subset stored as columns. Every row has an image (of the block) when `block` is set, none
 * when it is null; each row has at most one annotation, `Label(labels[row])` when >= 0.
 */
export class ColumnarSubset {
  private readonly cache: (DatasetItem | undefined)[];
  private readonly shared: (readonly Label[])[] = [];

  constructor(
    /** The subset name. */
    readonly name: string,
    /** First label per row, -1 for none. */
    readonly labels: Int32Array,
    /** The item id of each row (unique within the subset), or the same kept as bytes. */
    private readonly ids: readonly string[] | LazyIds,
    /** The image file extension of each row ('.png'), or one for every row. */
    private readonly exts: readonly string[] | string,
    /** The pixels, or null when no row has an image. */
    readonly block: PixelBlock | null,
  ) {
    this.cache = new Array(labels.length);
  }

  /** The variants made by `derive`, by what they change. */
  private derived: Map<string, ColumnarSubset> | null = null;

  /**
   * The same rows in another subset, without images, or without labels: a columnar subset that
   * shares this one's columns (what split, map_subsets, remove_images and remove_annotations make
   * of it), one per change, so its items too are made once.
   */
  derive(change: { name?: string; dropMedia?: boolean; dropLabels?: boolean }): ColumnarSubset {
    const name = change.name ?? this.name;
    const dropMedia = change.dropMedia === true && this.block !== null;
    const dropLabels = change.dropLabels === true;
    if (name === this.name && !dropMedia && !dropLabels) return this;
    const key = `${dropMedia ? 1 : 0}${dropLabels ? 1 : 0}${name}`;
    const known = this.derived?.get(key);
    if (known) return known;
    const labels = dropLabels ? new Int32Array(this.labels.length).fill(-1) : this.labels;
    const made = new ColumnarSubset(name, labels, this.ids, this.exts, dropMedia ? null : this.block);
    (this.derived ??= new Map()).set(key, made);
    return made;
  }

  /** The number of rows. */
  get length(): number {
    return this.labels.length;
  }

  /** The ids as strings (decoded on the first call when they were kept as bytes). */
  private idList(): readonly string[] {
    const ids = this.ids;
    return ids instanceof LazyIds ? ids.all() : ids;
  }

  /** Row `row`'s item id. */
  id(row: number): string {
    return this.idList()[row]!;
  }

  /** Row `row`'s image extension ('' when none is known). */
  ext(row: number): string {
    return typeof this.exts === 'string' ? this.exts : this.exts[row]!;
  }

  /** Row `row` as a `DatasetItem`: made on the first call, the same object after. */
  item(row: number): DatasetItem {
    const cached = this.cache[row];
    if (cached) return cached;
    const label = this.labels[row]!;
    const item = new DatasetItem({
      id: this.idList()[row]!,
      subset: this.name,
      media: this.block ? imageOfBlock(this.block, row, this.ext(row)) : null,
      annotations: label >= 0 ? annotationsFor(this.shared, label) : undefined,
    });
    markOrigin(item, this, row);
    this.cache[row] = item;
    return item;
  }
}

/** Rows of one columnar subset, all of them (`rows` null) or a selection in this order. */
export interface ColumnSegment {
  readonly base: ColumnarSubset;
  readonly rows: Int32Array | null;
}

/** Items in memory (non-columnar formats, items made by transforms). */
export interface ItemSegment {
  readonly items: readonly DatasetItem[];
}

/** What a dataset is made of, in dataset order. */
export type Segment = ColumnSegment | ItemSegment;

export function isColumnSegment(segment: Segment): segment is ColumnSegment {
  return 'base' in segment;
}

/** The number of items of a segment. */
export function segmentLength(segment: Segment): number {
  if (!isColumnSegment(segment)) return segment.items.length;
  return segment.rows ? segment.rows.length : segment.base.length;
}

/** The `i`-th item of a segment. */
export function segmentItem(segment: Segment, i: number): DatasetItem {
  if (!isColumnSegment(segment)) return segment.items[i]!;
  return segment.base.item(segment.rows ? segment.rows[i]! : i);
}

/**
 * Items as segments: runs of items that a columnar subset made become row selections of it
 * (a whole subset in order becomes the subset itself), the others stay item arrays.
 */
export function segmentsOf(items: readonly DatasetItem[]): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < items.length) {
    const base = baseOf(items[i]!);
    let j = i + 1;
    if (base) {
      while (j < items.length && baseOf(items[j]!) === base) j++;
      const rows = new Int32Array(j - i);
      let identity = j - i === base.length;
      for (let k = i; k < j; k++) {
        const r = originRow(items[k]!);
        rows[k - i] = r;
        if (r !== k - i) identity = false;
      }
      out.push({ base, rows: identity ? null : rows });
    } else {
      while (j < items.length && baseOf(items[j]!) === null) j++;
      out.push({ items: items.slice(i, j) });
    }
    i = j;
  }
  return out;
}

/**
 * A columnar run of rows as consumers read it: the rows' labels, and the block with the rows'
 * indices into it (null: all rows of the block, in order).
 */
export interface ColumnRun {
  readonly subset: string;
  readonly length: number;
  /** First label per row, -1 none (a view of the subset's column when `rows` is null). */
  readonly labels: Int32Array;
  readonly block: PixelBlock | null;
  readonly rows: Int32Array | null;
  readonly base: ColumnarSubset;
}

/** The segment as a `ColumnRun`. */
export function columnRun(segment: ColumnSegment): ColumnRun {
  const { base, rows } = segment;
  let labels = base.labels;
  if (rows) {
    labels = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) labels[i] = base.labels[rows[i]!]!;
  }
  return { subset: base.name, length: labels.length, labels, block: base.block, rows, base };
}
