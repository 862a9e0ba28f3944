/**
 * A contact sheet of a dataset (what `cifarkit preview` writes): one row per label with that
 * label's first images, the label name at the left of each row. Pure pixels in, pixels out:
 * encode the result with `encodeImage(image, '.png')`.
 *
 * Layout, in pixels (every number is also given by the returned {@link MosaicLayout}):
 *
 * ```
 *  margin 4 | text column | margin 4 | cell | 1 | cell | 1 | ... | cell | margin 4
 * ```
 * - Rows, top to bottom: the labels in label order (a label with no image still gets its row),
 *   then a row per label index beyond the label categories (named `#<index>`), then
 *   "(unlabelled)" if any selected item has no label. Rows are 1 px apart, with a 4 px margin
 *   above the first and below the last.
 * - Cells: every cell ("slot") is as large as the largest image shown x `scale`; an image is
 *   drawn at the top-left of its slot, each pixel a `scale` x `scale` block (nearest
 *   neighbour). Slots are 1 px apart. Grayscale images are drawn as gray RGB.
 * - A row is as tall as a slot, or as the text if that is taller; the name is centred vertically
 *   (rounded down). Text is drawn at `textScale` = max(1, floor(scale / 2)) with the font of
 *   `font.ts`; names longer than 24 characters end in '…'.
 * - The image is as wide as the text column (the widest drawn name) plus as many slots as the
 *   fullest row holds, and as tall as the rows.
 *
 * Items are taken in the dataset's order. Items without media, or whose image has no pixels,
 * are skipped (they take no cell). An item with several labels appears in each of their rows.
 * When no selected item has an image, the mosaic is a single "(no images)" row.
 * The result depends only on the dataset and the options (same input, same bytes).
 */
import type { DatasetItem } from '../model/item.js';
import { Image } from '../image/image.js';
import { ErrorCode, UsageError } from '../errors.js';
import type { DatasetView } from '../model/view.js';
import { MAX_DECODE_PIXELS } from '../image/codecs.js';
import { drawText, GLYPH_HEIGHT, textWidth, type RgbCanvas } from './font.js';

/**
 * The options of {@link renderMosaic}.
 *
 * @example
 * ```ts
 * import { Dataset, renderMosaic, type MosaicOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: MosaicOptions = { perClass: 1, scale: 1, subsets: ['test_batch'] };
 * console.log(renderMosaic(ds, options).layout.rows.map((r) => r.cells.length)); // [ 0, 1, 1, 1 ]
 * ```
 */
export interface MosaicOptions {
  /** Images per class row, 1..1000 (default 10). */
  perClass?: number;
  /** Pixel scale of each image, 1..16 (default 2: a 32x32 image becomes 64x64, nearest neighbour). */
  scale?: number;
  /** Only these subsets (default: all). Each must be one of `dataset.subsets()`. */
  subsets?: string[];
}

/**
 * Where one image is drawn: its rectangle (image size x scale) at the top-left of its slot.
 *
 * @example
 * ```ts
 * import { Dataset, renderMosaic, type MosaicCell } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const cell: MosaicCell = renderMosaic(ds, { scale: 1 }).layout.rows[0]!.cells[0]!;
 * console.log(cell.subset, cell.id, cell.width, cell.height); // data_batch_1 image_1 32 32
 * ```
 */
export interface MosaicCell {
  /** Left edge, in pixels of the mosaic. */
  x: number;
  /** Top edge. */
  y: number;
  /** The image's width x scale. */
  width: number;
  /** The image's height x scale. */
  height: number;
  /** The item's subset. */
  subset: string;
  /** The item's id. */
  id: string;
}

/**
 * Where a row's name is drawn: the box of `shown` (clipped name) at the layout's `textScale`.
 *
 * @example
 * ```ts
 * import { Dataset, renderMosaic, type MosaicText } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const text: MosaicText = renderMosaic(ds).layout.rows[1]!.text;
 * console.log(text.shown, text.x); // automobile 4
 * ```
 */
export interface MosaicText {
  /** Left edge of the text box. */
  x: number;
  /** Top edge of the text box. */
  y: number;
  /** Width of the text box. */
  width: number;
  /** Height of the text box. */
  height: number;
  /** The text drawn: the name, clipped to 24 characters. */
  shown: string;
}

/**
 * One row of a mosaic: a label, its name and its images.
 *
 * @example
 * ```ts
 * import { Dataset, renderMosaic, type MosaicRow } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const rows: MosaicRow[] = renderMosaic(ds).layout.rows;
 * console.log(rows.map((row) => `${row.name}: ${row.cells.length}`)); // [ 'airplane: 1', 'automobile: 1', 'bird: 1', 'cat: 2' ]
 * ```
 */
export interface MosaicRow {
  /** The label index; -1 for the "(unlabelled)" and "(no images)" rows. */
  label: number;
  /** The full label name (see `text.shown` for what is drawn). */
  name: string;
  /** Top edge of the row. */
  y: number;
  /** Height of the row. */
  height: number;
  /** Where the name is drawn. */
  text: MosaicText;
  /** The row's images, left to right. */
  cells: MosaicCell[];
}

/**
 * Where everything is in a mosaic, so that tests and a web page can locate things.
 *
 * @example
 * ```ts
 * import { Dataset, renderMosaic, type MosaicLayout } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const layout: MosaicLayout = renderMosaic(ds, { scale: 2 }).layout;
 * console.log(layout.cellWidth, layout.scale, layout.textScale, layout.rows.length); // 64 2 1 4
 * ```
 */
export interface MosaicLayout {
  /** The image's width in pixels. */
  width: number;
  /** The image's height in pixels. */
  height: number;
  /** The width of every slot: the largest image shown x scale (0 when there is no image). */
  cellWidth: number;
  /** The height of every slot. */
  cellHeight: number;
  /** The pixel scale of the images. */
  scale: number;
  /** The pixel scale of the text (max(1, floor(scale / 2))). */
  textScale: number;
  /** The rows, top to bottom. */
  rows: MosaicRow[];
}

/** The largest mosaic side in pixels (as large as browsers' canvases go). */
export const MOSAIC_MAX_SIDE = 16384;
/** The largest mosaic in pixels: what `decodeImage` reads back. */
export const MOSAIC_MAX_PIXELS = MAX_DECODE_PIXELS;
/** Names longer than this many characters (code points) are clipped, ending in '…'. */
export const MOSAIC_MAX_NAME = 24;
export const MOSAIC_BACKGROUND: readonly [number, number, number] = [32, 32, 32];
export const MOSAIC_TEXT_COLOR: readonly [number, number, number] = [230, 230, 230];
export const UNLABELLED_ROW = '(unlabelled)';
export const NO_IMAGES_ROW = '(no images)';

const MARGIN = 4;
const GAP = 1;
const PER_CLASS = { default: 10, min: 1, max: 1000 };
const SCALE = { default: 2, min: 1, max: 16 };

interface Entry {
  item: DatasetItem;
  image: Image;
}

interface RowSource {
  label: number;
  name: string;
  entries: Entry[];
}

/**
 * A contact sheet: one row per label (in label order; plus an "(unlabelled)" row if any item has
 * no label), with that label's first `perClass` images, the label name drawn at the left of each
 * row. Returns an RGB image and its layout (see the module doc for the layout rules).
 *
 * Throws a UsageError (INVALID_ARGUMENT) naming the option for `perClass` outside 1..1000,
 * `scale` outside 1..16, an unknown subset, and for a mosaic larger than
 * 16384 pixels a side or 100,000,000 in all.
 *
 * @example
 * ```ts
 * import { Dataset, encodeImage, renderMosaic } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const { image, layout } = renderMosaic(ds, { perClass: 4 });
 * console.log(image.width === layout.width, layout.rows.length); // true 4
 * const png = encodeImage(image, '.png'); // a contact sheet to save or show
 * ```
 */
export function renderMosaic(
  dataset: DatasetView,
  options: MosaicOptions = {},
): {
  /** The mosaic, RGB. */
  image: Image;
  /** Where each row, name and image is in it. */
  layout: MosaicLayout;
} {
  if (dataset === null || typeof dataset !== 'object' || typeof dataset.subsets !== 'function' || typeof dataset[Symbol.iterator] !== 'function' || !dataset.labels) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'renderMosaic needs a Dataset');
  }
  if (options === null || typeof options !== 'object') throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'renderMosaic options must be an object');
  const perClass = integerOption(options.perClass, 'perClass', PER_CLASS);
  const scale = integerOption(options.scale, 'scale', SCALE);
  const subsets = subsetOption(options.subsets, dataset);

  const sources = collectRows(dataset, perClass, subsets);
  const layout = computeLayout(sources, scale);
  checkSize(layout, perClass, scale);

  const canvas: RgbCanvas = { data: new Uint8Array(layout.width * layout.height * 3), width: layout.width, height: layout.height };
  fillBackground(canvas.data);
  layout.rows.forEach((row, r) => {
    drawText(canvas, row.text.x, row.text.y, row.text.shown, layout.textScale, MOSAIC_TEXT_COLOR);
    row.cells.forEach((cell, c) => drawImage(canvas, sources[r]!.entries[c]!.image, cell.x, cell.y, scale));
  });
  return { image: new Image(canvas.data, layout.height, layout.width, 3), layout };
}

function integerOption(value: unknown, name: string, range: { default: number; min: number; max: number }): number {
  if (value === undefined) return range.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${name} must be an integer from ${range.min} to ${range.max}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
  }
  return value;
}

function subsetOption(value: unknown, dataset: DatasetView): Set<string> | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, 'subsets must be a list of subset names');
  }
  const known = dataset.subsets();
  if (value.length === 0) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `subsets is empty; leave it out to use every subset (${listNames(known)})`);
  }
  for (const name of value) {
    if (!known.includes(name)) throw new UsageError(ErrorCode.INVALID_ARGUMENT, `subsets: the dataset has no subset '${name}'; it has ${listNames(known)}`);
  }
  return new Set(value);
}

function listNames(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}

/** The item's image if it has pixels to draw, else null. */
function drawableImage(item: DatasetItem): Image | null {
  const media = item.media;
  if (!media || media.hasData === false || media.width === 0 || media.height === 0) return null;
  return media;
}

/** The distinct label indices of an item, in annotation order. */
function labelsOf(item: DatasetItem): number[] {
  const labels: number[] = [];
  for (const a of item.annotations) if (a.type === 'label' && !labels.includes(a.label)) labels.push(a.label);
  return labels;
}

function collectRows(dataset: DatasetView, perClass: number, subsets: Set<string> | null): RowSource[] {
  const named: RowSource[] = dataset.labels.items.map((cat, label) => ({ label, name: cat.name, entries: [] }));
  const beyond = new Map<number, RowSource>(); // label indices the categories do not name
  let unlabelled: RowSource | null = null;
  let images = 0;
  for (const item of dataset) {
    if (subsets && !subsets.has(item.subset)) continue;
    const image = drawableImage(item);
    const labels = labelsOf(item);
    const rows: RowSource[] = [];
    if (labels.length === 0) rows.push((unlabelled ??= { label: -1, name: UNLABELLED_ROW, entries: [] }));
    for (const label of labels) {
      let row = named[label] ?? beyond.get(label);
      if (!row) beyond.set(label, (row = { label, name: `#${label}`, entries: [] }));
      rows.push(row);
    }
    if (!image) continue;
    for (const row of rows) {
      if (row.entries.length < perClass) {
        row.entries.push({ item, image });
        images++;
      }
    }
  }
  if (images === 0) return [{ label: -1, name: NO_IMAGES_ROW, entries: [] }];
  const extra = [...beyond.values()].sort((a, b) => a.label - b.label);
  return [...named, ...extra, ...(unlabelled ? [unlabelled] : [])];
}

function clipName(name: string): string {
  const chars = [...name];
  return chars.length <= MOSAIC_MAX_NAME ? name : `${chars.slice(0, MOSAIC_MAX_NAME - 1).join('')}…`;
}

function computeLayout(sources: RowSource[], scale: number): MosaicLayout {
  const textScale = Math.max(1, Math.floor(scale / 2));
  const textHeight = GLYPH_HEIGHT * textScale;
  let maxWidth = 0;
  let maxHeight = 0;
  let columns = 0;
  let textColumn = 0;
  const shown = sources.map((s) => clipName(s.name));
  sources.forEach((s, i) => {
    for (const { image } of s.entries) {
      maxWidth = Math.max(maxWidth, image.width);
      maxHeight = Math.max(maxHeight, image.height);
    }
    columns = Math.max(columns, s.entries.length);
    textColumn = Math.max(textColumn, textWidth(shown[i]!, textScale));
  });
  const cellWidth = maxWidth * scale;
  const cellHeight = maxHeight * scale;
  const rowHeight = Math.max(cellHeight, textHeight);
  const cellsX = MARGIN + textColumn + MARGIN;
  const width = columns === 0 ? cellsX : cellsX + columns * (cellWidth + GAP) - GAP + MARGIN;
  const height = MARGIN + sources.length * (rowHeight + GAP) - GAP + MARGIN;
  const rows = sources.map((s, i): MosaicRow => {
    const y = MARGIN + i * (rowHeight + GAP);
    return {
      label: s.label,
      name: s.name,
      y,
      height: rowHeight,
      text: { x: MARGIN, y: y + Math.floor((rowHeight - textHeight) / 2), width: textWidth(shown[i]!, textScale), height: textHeight, shown: shown[i]! },
      cells: s.entries.map(({ item, image }, c) => ({
        x: cellsX + c * (cellWidth + GAP),
        y,
        width: image.width * scale,
        height: image.height * scale,
        subset: item.subset,
        id: item.id,
      })),
    };
  });
  return { width, height, cellWidth, cellHeight, scale, textScale, rows };
}

function checkSize(layout: MosaicLayout, perClass: number, scale: number): void {
  const { width, height, rows } = layout;
  const size = `the mosaic would be ${width} px wide and ${height} px tall`;
  if (width > MOSAIC_MAX_SIDE) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${size}, wider than ${MOSAIC_MAX_SIDE} px; lower perClass (now ${perClass}) or scale (now ${scale})`);
  }
  if (height > MOSAIC_MAX_SIDE) {
    throw new UsageError(
      ErrorCode.INVALID_ARGUMENT,
      `${size}, taller than ${MOSAIC_MAX_SIDE} px (${rows.length} rows, one per label); lower scale (now ${scale}) or keep fewer labels in the dataset`,
    );
  }
  if (width * height > MOSAIC_MAX_PIXELS) {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `${size}, more than ${MOSAIC_MAX_PIXELS} pixels; lower perClass (now ${perClass}) or scale (now ${scale})`);
  }
}

function fillBackground(data: Uint8Array): void {
  const [r, g, b] = MOSAIC_BACKGROUND;
  for (let i = 0; i < data.length; i += 3) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
}

/** Draws `image` with its top-left corner at (x, y), each pixel a scale x scale block. */
function drawImage(canvas: RgbCanvas, image: Image, x: number, y: number, scale: number): void {
  const { data: out, width: stride } = canvas;
  const { data: src, width, height, channels } = image;
  const rowBytes = width * scale * 3;
  for (let sy = 0; sy < height; sy++) {
    const start = ((y + sy * scale) * stride + x) * 3;
    let o = start;
    let i = sy * width * channels;
    for (let sx = 0; sx < width; sx++, i += channels) {
      const r = src[i]!;
      const g = channels === 3 ? src[i + 1]! : r;
      const b = channels === 3 ? src[i + 2]! : r;
      for (let k = 0; k < scale; k++, o += 3) {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      }
    }
    // The other scale-1 rows of the block repeat the one just drawn.
    for (let k = 1; k < scale; k++) out.copyWithin(start + k * stride * 3, start, start + rowBytes);
  }
}
