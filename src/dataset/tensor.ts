/**
 * Items as dense batched tensors, the shape web ML runtimes take:
 * `tf.tensor(t.data, t.shape)` (TensorFlow.js), `new ort.Tensor('float32', t.data, t.shape)`
 * (onnxruntime-web), `new Tensor('float32', t.data, t.shape)` (transformers.js).
 *
 * One output buffer per tensor, filled straight from each image's HWC bytes: NHWC uint8 is a
 * plain copy, NCHW uint8 goes through the `hwcToChw` kernel into the output, float32 is converted
 * (and normalised) by a 256-entry table per channel while it is written, in the same pass.
 */
import { ErrorCode, UsageError } from '../errors.js';
import { kernels } from '../kernels/pixels.js';
import type { DatasetItem } from '../model/item.js';
import type { ColumnRun } from '../model/columns.js';
import type { DatasetView } from '../model/view.js';
import type { PixelBlock } from '../image/block.js';

/**
 * How {@link toTensor} (and `Dataset.toTensor`) lays out and converts the pixels.
 *
 * @example
 * ```ts
 * import { DatasetItem, Image, toTensor, type TensorOptions } from 'cifarkit';
 *
 * const item = new DatasetItem({ id: 'a', media: Image.fromHWC(new Uint8Array([0, 51, 255]), 1, 1) });
 * const options: TensorOptions = { layout: 'NCHW', normalize: { mean: 0.5, std: 0.5 } };
 * console.log(toTensor([item], options).data); // Float32Array(3) [ -1, -0.6000000238418579, 1 ]
 * ```
 */
export interface TensorOptions {
  /** 'NHWC' (default; TensorFlow.js) or 'NCHW' (PyTorch-exported ONNX models). */
  layout?: 'NHWC' | 'NCHW';
  /**
   * 'uint8' (the bytes as they are) or 'float32' (value / 255, in [0, 1], then `normalize`).
   * Default: 'float32' when `normalize` is given, else 'uint8'.
   */
  dtype?: 'uint8' | 'float32';
  /**
   * `(value / 255 - mean) / std`, per channel (arrays as long as the channel count) or one number
   * for every channel; float32 only. E.g. ImageNet: `{ mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }`.
   */
  normalize?: {
    /** The mean to subtract, per channel or one for all. */
    mean: number[] | number;
    /** The standard deviation to divide by, per channel or one for all. */
    std: number[] | number;
  };
}

/**
 * Items as one dense tensor: what {@link toTensor} and `Dataset.toTensor` give.
 *
 * @example
 * ```ts
 * import { Dataset, type Tensor } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const t: Tensor = ds.filter((item) => item.media?.width === 32).toTensor();
 * console.log(t.shape, t.data.length, t.labels); // [ 4, 32, 32, 3 ] 12288 Int32Array(4) [ 0, 1, 3, 2 ]
 * ```
 */
export interface Tensor {
  /** The values, row-major in `shape` order. */
  data: Uint8Array | Float32Array;
  /** [N, H, W, C] for NHWC, [N, C, H, W] for NCHW; [0, 0, 0, 0] for no items. */
  shape: [number, number, number, number];
  /** Per item, the index of its first `Label` annotation, or -1 when it has none. */
  labels: Int32Array;
}

/**
 * How {@link batches} (and `Dataset.batches`) orders and cuts the items, on top of the tensor options.
 *
 * @example
 * ```ts
 * import { batches, DatasetItem, Image, type BatchOptions } from 'cifarkit';
 *
 * const items = [0, 1, 2].map((i) => new DatasetItem({ id: String(i), media: Image.fromHWC(new Uint8Array(3), 1, 1) }));
 * const options: BatchOptions = { shuffle: true, seed: 42, dropLast: true };
 * console.log([...batches(items, 2, options)].length); // 1
 * ```
 */
export interface BatchOptions extends TensorOptions {
  /** Visit the items in a random order (default false). */
  shuffle?: boolean;
  /**
   * Makes the shuffle reproducible: the same seed gives the same order in every runtime
   * (an integer; only with `shuffle: true`). Without it a random seed is drawn once per
   * `batches()` call, so iterating the result again repeats that call's order.
   */
  seed?: number;
  /** Leave out the last batch when it has fewer than `size` items (default false). */
  dropLast?: boolean;
}

/**
 * One batch: a tensor and the items it holds, in tensor order.
 *
 * @example
 * ```ts
 * import { batches, DatasetItem, Image, Label, type Batch } from 'cifarkit';
 *
 * const items = [0, 1, 2].map((i) => new DatasetItem({ id: `img${i}`, media: Image.fromHWC(new Uint8Array(3), 1, 1), annotations: [new Label(i)] }));
 * const last: Batch = [...batches(items, 2)][1]!;
 * console.log(last.shape, last.labels, last.items[0]?.id); // [ 1, 1, 1, 3 ] Int32Array(1) [ 2 ] img2
 * ```
 */
export type Batch = Tensor & {
  /** The items of the batch, in tensor order. */
  items: DatasetItem[];
};

const TENSOR_KEYS = ['layout', 'dtype', 'normalize'];
const BATCH_KEYS = [...TENSOR_KEYS, 'shuffle', 'seed', 'dropLast'];

function invalid(fn: string, detail: string): UsageError {
  return new UsageError(ErrorCode.INVALID_ARGUMENT, `${fn}: ${detail}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return typeof v === 'object' && v !== null ? 'an object' : String(v);
}

/** The options with defaults filled in and values checked; mean/std still unresolved per channel. */
interface Plan {
  layout: 'NHWC' | 'NCHW';
  dtype: 'uint8' | 'float32';
  mean: number[] | number;
  std: number[] | number;
}

function checkOptions(fn: string, options: unknown, known: readonly string[]): Plan {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(fn, 'options must be an object');
  const o = options as BatchOptions;
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw invalid(fn, `unknown option '${k}' (known: ${known.join(', ')})`);
  }
  const layout = o.layout ?? 'NHWC';
  if (layout !== 'NHWC' && layout !== 'NCHW') throw invalid(fn, `layout must be 'NHWC' or 'NCHW', got ${show(layout)}`);
  const dtype = o.dtype ?? (o.normalize !== undefined ? 'float32' : 'uint8');
  if (dtype !== 'uint8' && dtype !== 'float32') throw invalid(fn, `dtype must be 'uint8' or 'float32', got ${show(dtype)}`);
  if (o.normalize === undefined) return { layout, dtype, mean: 0, std: 1 };
  if (dtype !== 'float32') throw invalid(fn, "normalize needs dtype 'float32'");
  const n = o.normalize;
  if (typeof n !== 'object' || n === null) throw invalid(fn, 'normalize must be { mean, std }');
  for (const key of ['mean', 'std'] as const) {
    const v = n[key];
    const values = typeof v === 'number' ? [v] : Array.isArray(v) ? v : null;
    if (values === null || values.length === 0) throw invalid(fn, `normalize.${key} must be a number or a non-empty array of numbers, got ${show(v)}`);
    for (const x of values) {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid(fn, `normalize.${key} must hold finite numbers, got ${show(v)}`);
      if (key === 'std' && x <= 0) throw invalid(fn, `normalize.std must be > 0 (it divides), got ${show(v)}`);
    }
  }
  return { layout, dtype, mean: n.mean, std: n.std };
}

function perChannel(fn: string, key: 'mean' | 'std', v: number[] | number, channels: number): number[] {
  if (typeof v === 'number') return new Array<number>(channels).fill(v);
  if (v.length !== channels) {
    throw invalid(fn, `normalize.${key} has ${v.length} values but the images have ${channels} channel${channels === 1 ? '' : 's'}`);
  }
  return v;
}

interface Geometry {
  height: number;
  width: number;
  channels: number;
}

function describe(item: DatasetItem): string {
  return `'${item.id}'${item.subset !== 'default' ? ` (subset '${item.subset}')` : ''}`;
}

/**
 * Checks that every item has an image and all images share one size and channel count, and
 * returns that geometry (null for no items). Errors name the items at fault.
 */
function checkItems(fn: string, items: readonly DatasetItem[]): Geometry | null {
  const missing: number[] = [];
  items.forEach((item, i) => {
    if (!item.media) missing.push(i);
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((i) => `${i} ${describe(items[i]!)}`);
    const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : '';
    const first = items[missing[0]!]!;
    throw new UsageError(
      ErrorCode.INVALID_ARGUMENT,
      `${fn}: no image (${missing.length} item${missing.length === 1 ? ' has' : 's have'} none: ${shown.join(', ')}${more}); ` +
        'leave them out first, e.g. ds.filter((item) => item.media !== null)',
      { index: missing[0]!, item: first.id },
    );
  }
  if (items.length === 0) return null;
  const ref = items[0]!.media!;
  for (let i = 1; i < items.length; i++) {
    const m = items[i]!.media!;
    if (m.height !== ref.height || m.width !== ref.width || m.channels !== ref.channels) {
      throw new UsageError(
        ErrorCode.INVALID_ARGUMENT,
        `${fn}: its image is ${m.height}x${m.width}x${m.channels} (HxWxC)${items[i]!.subset !== 'default' ? ` in subset '${items[i]!.subset}'` : ''}` +
          ` but item 0 ${describe(items[0]!)} is ${ref.height}x${ref.width}x${ref.channels}: all images of a tensor must share one size and channel count`,
        { index: i, item: items[i]!.id },
      );
    }
  }
  return { height: ref.height, width: ref.width, channels: ref.channels };
}

/** The index of the item's first Label annotation, or -1. */
function firstLabel(item: DatasetItem): number {
  for (const a of item.annotations) if (a.type === 'label') return a.label;
  return -1;
}

/**
 * For float32, a table per channel from byte to (v / 255 - mean) / std, computed in float64 and
 * rounded once to float32, so every runtime and layout gives the same values. Null for uint8.
 */
function floatTable(fn: string, plan: Plan, geo: Geometry | null): Float32Array | null {
  if (plan.dtype !== 'float32' || geo === null) return null;
  const c = geo.channels;
  const mean = perChannel(fn, 'mean', plan.mean, c);
  const std = perChannel(fn, 'std', plan.std, c);
  const table = new Float32Array(256 * c);
  for (let ch = 0; ch < c; ch++) for (let v = 0; v < 256; v++) table[ch * 256 + v] = (v / 255 - mean[ch]!) / std[ch]!;
  return table;
}

/** Fills a tensor; `items` are already checked against `geo`, `table` made by floatTable. */
function build(items: readonly DatasetItem[], geo: Geometry | null, plan: Plan, table: Float32Array | null): Tensor {
  const labels = new Int32Array(items.length);
  items.forEach((item, i) => (labels[i] = firstLabel(item)));
  if (geo === null) return { data: plan.dtype === 'uint8' ? new Uint8Array(0) : new Float32Array(0), shape: [0, 0, 0, 0], labels };
  const { height: h, width: w, channels: c } = geo;
  const pixels = h * w;
  const imageSize = pixels * c;
  const n = items.length;
  const shape: Tensor['shape'] = plan.layout === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
  // One channel: NCHW and NHWC are the same bytes.
  const planar = plan.layout === 'NCHW' && c === 3;

  if (table === null) {
    const data = new Uint8Array(n * imageSize);
    const k = planar ? kernels() : null;
    for (let i = 0; i < n; i++) {
      const src = items[i]!.media!.data;
      if (k) k.hwcToChw(src, data.subarray(i * imageSize, (i + 1) * imageSize), pixels, 1);
      else data.set(src, i * imageSize);
    }
    return { data, shape, labels };
  }

  const data = new Float32Array(n * imageSize);
  for (let i = 0; i < n; i++) floatImage(items[i]!.media!.data, data, i * imageSize, pixels, c, planar, table);
  return { data, shape, labels };
}

/** One HWC image converted by `table` into `data` at `base`, planar (NCHW) or interleaved. */
function floatImage(src: Uint8Array, data: Float32Array, base: number, pixels: number, c: number, planar: boolean, table: Float32Array): void {
  if (c === 1) {
    for (let p = 0; p < pixels; p++) data[base + p] = table[src[p]!]!;
  } else if (planar) {
    const g = base + pixels;
    const b = base + 2 * pixels;
    for (let p = 0, s = 0; p < pixels; p++, s += 3) {
      data[base + p] = table[src[s]!]!;
      data[g + p] = table[256 + src[s + 1]!]!;
      data[b + p] = table[512 + src[s + 2]!]!;
    }
  } else {
    const imageSize = pixels * c;
    for (let s = 0; s < imageSize; s += 3) {
      data[base + s] = table[src[s]!]!;
      data[base + s + 1] = table[256 + src[s + 1]!]!;
      data[base + s + 2] = table[512 + src[s + 2]!]!;
    }
  }
}

/**
 * The runs of a columnar dataset (model/columns.ts) when every row has an image of one size:
 * then tensors are read from the label columns and pixel blocks (one kernel call per subset).
 * Null for anything else, which takes the item path (and its errors).
 */
function pixelRuns(items: unknown): { runs: readonly ColumnRun[]; geo: Geometry } | null {
  const columns = (items as Partial<DatasetView>).columns;
  if (typeof columns !== 'function') return null;
  const runs = columns.call(items);
  if (!runs || runs.length === 0) return null;
  const first = runs[0]!.block;
  if (!first) return null;
  for (const run of runs) if (!run.block || run.block.height !== first.height || run.block.width !== first.width || run.block.channels !== first.channels) return null;
  return { runs, geo: { height: first.height, width: first.width, channels: first.channels } };
}

/** Writes image `row` of `block` into `data` at `base` as the plan says. */
function blockImage(block: PixelBlock, row: number, data: Uint8Array | Float32Array, base: number, plan: Plan, table: Float32Array | null): void {
  const size = block.imageBytes;
  if (table === null) {
    const out = (data as Uint8Array).subarray(base, base + size);
    // One channel: NCHW and NHWC are the same bytes.
    if (plan.layout === 'NCHW' && block.channels === 3) block.planarRowInto(row, out);
    else block.hwcRowInto(row, out);
  } else {
    floatImage(block.hwcRow(row), data as Float32Array, base, block.height * block.width, block.channels, plan.layout === 'NCHW' && block.channels === 3, table);
  }
}

function shapeOf(plan: Plan, n: number, geo: Geometry): Tensor['shape'] {
  const { height: h, width: w, channels: c } = geo;
  return plan.layout === 'NHWC' ? [n, h, w, c] : [n, c, h, w];
}

/** A tensor of every row of the runs: uint8 in one kernel call (or copy) per run. */
function buildFromRuns(runs: readonly ColumnRun[], geo: Geometry, plan: Plan, table: Float32Array | null): Tensor {
  let n = 0;
  for (const run of runs) n += run.length;
  const imageSize = geo.height * geo.width * geo.channels;
  const labels = new Int32Array(n);
  const data = table === null ? new Uint8Array(n * imageSize) : new Float32Array(n * imageSize);
  let at = 0;
  for (const run of runs) {
    labels.set(run.labels, at);
    const block = run.block!;
    if (table === null) {
      const out = (data as Uint8Array).subarray(at * imageSize, (at + run.length) * imageSize);
      if (plan.layout === 'NCHW' && block.channels === 3) block.planarInto(run.rows, false, out);
      else block.hwcInto(run.rows, out);
    } else {
      for (let i = 0; i < run.length; i++) blockImage(block, run.rows ? run.rows[i]! : i, data, (at + i) * imageSize, plan, table);
    }
    at += run.length;
  }
  return { data, shape: shapeOf(plan, n, geo), labels };
}

function itemList(fn: string, items: Iterable<DatasetItem> | DatasetItem[]): DatasetItem[] {
  if (items === null || typeof items !== 'object' || typeof (items as Iterable<DatasetItem>)[Symbol.iterator] !== 'function') {
    throw invalid(fn, 'items must be an array or iterable of DatasetItem (or a Dataset)');
  }
  return Array.isArray(items) ? items : [...items];
}

/**
 * All items as one tensor (see the module doc for ML runtimes). Every item needs an image, and
 * all images one size and channel count; labels are each item's first label index, or -1.
 * No items give shape [0, 0, 0, 0].
 *
 * @example
 * ```ts
 * import { DatasetItem, Image, Label, toTensor } from 'cifarkit';
 *
 * const item = new DatasetItem({ id: 'a', media: Image.fromHWC(new Uint8Array([1, 2, 3, 4, 5, 6]), 1, 2), annotations: [new Label(7)] });
 * const t = toTensor([item], { layout: 'NCHW' });
 * console.log(t.shape, t.data, t.labels); // [ 1, 3, 1, 2 ] Uint8Array(6) [ 1, 4, 2, 5, 3, 6 ] Int32Array(1) [ 7 ]
 * ```
 */
export function toTensor(items: Iterable<DatasetItem> | DatasetItem[], options: TensorOptions = {}): Tensor {
  const fn = 'toTensor';
  const plan = checkOptions(fn, options, TENSOR_KEYS);
  const columnar = pixelRuns(items);
  if (columnar) return buildFromRuns(columnar.runs, columnar.geo, plan, floatTable(fn, plan, columnar.geo));
  const list = itemList(fn, items);
  const geo = checkItems(fn, list);
  return build(list, geo, plan, floatTable(fn, plan, geo));
}

/**
 * @internal A seeded permutation of 0..n-1: Fisher-Yates driven by mulberry32, a small generator in 32-bit
 * integer arithmetic only (Math.imul, >>>), so a seed gives the same order in Node, Deno and
 * every browser. (Not Python's `random.shuffle` order: transforms.ts keeps its MT19937 private.)
 */
export function seededOrder(n: number, seed: number): number[] {
  // Both 32-bit halves of a safe integer seed count, so 1 and 2**32 + 1 differ.
  let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) | 0, 0x9e3779b9);
  // mulberry32: a uniform 32-bit output per step.
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    // Unbiased index in [0, i] by rejection: drop the top partial range of 2**32.
    const range = i + 1;
    const limit = 0x100000000 - (0x100000000 % range);
    let r = next();
    while (r >= limit) r = next();
    const j = r % range;
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * The items in batches of `size`, each a tensor as `toTensor` makes it plus its `items`.
 * Everything is checked when this is called (options, images present, one geometry), so a bad
 * item is reported before the first batch, not in the middle of an epoch. Batches are built
 * one at a time as they are iterated; the result can be iterated again (same order).
 *
 * @example
 * ```ts
 * import { batches, Dataset } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const same = ds.filter((item) => item.media?.width === 32);
 * for (const batch of batches(same, 3, { dtype: 'float32', dropLast: true })) console.log(batch.shape); // [ 3, 32, 32, 3 ]
 * ```
 */
export function batches(items: Iterable<DatasetItem> | DatasetItem[], size: number, options: BatchOptions = {}): Iterable<Batch> {
  const fn = 'batches';
  if (!Number.isSafeInteger(size) || size < 1) throw invalid(fn, `size must be a positive integer, got ${show(size)}`);
  const plan = checkOptions(fn, options, BATCH_KEYS);
  const { shuffle = false, seed, dropLast = false } = options;
  if (typeof shuffle !== 'boolean') throw invalid(fn, `shuffle must be true or false, got ${show(shuffle)}`);
  if (typeof dropLast !== 'boolean') throw invalid(fn, `dropLast must be true or false, got ${show(dropLast)}`);
  if (seed !== undefined) {
    if (!Number.isSafeInteger(seed)) throw invalid(fn, `seed must be an integer, got ${show(seed)}`);
    if (!shuffle) throw invalid(fn, 'seed is given but shuffle is not true');
  }
  const columnar = pixelRuns(items);
  if (columnar) return runBatches(columnar.runs, columnar.geo, plan, floatTable(fn, plan, columnar.geo), size, shuffle, seed, dropLast);
  const list = itemList(fn, items);
  const geo = checkItems(fn, list);
  const table = floatTable(fn, plan, geo);
  let ordered = list;
  if (shuffle) {
    const s = seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
    ordered = seededOrder(list.length, s).map((i) => list[i]!);
  }
  const count = dropLast ? Math.floor(ordered.length / size) : Math.ceil(ordered.length / size);
  return {
    *[Symbol.iterator](): Iterator<Batch> {
      for (let b = 0; b < count; b++) {
        const part = ordered.slice(b * size, (b + 1) * size);
        yield { ...build(part, geo, plan, table), items: part };
      }
    },
  };
}

/** `batches` of a columnar dataset: labels and pixels from the columns, the items made (and cached) as each batch is built. */
function runBatches(runs: readonly ColumnRun[], geo: Geometry, plan: Plan, table: Float32Array | null, size: number, shuffle: boolean, seed: number | undefined, dropLast: boolean): Iterable<Batch> {
  let total = 0;
  for (const run of runs) total += run.length;
  // Dataset position -> (run, row).
  const runOf = new Int32Array(total);
  const rowOf = new Int32Array(total);
  let at = 0;
  runs.forEach((run, r) => {
    for (let i = 0; i < run.length; i++, at++) {
      runOf[at] = r;
      rowOf[at] = run.rows ? run.rows[i]! : i;
    }
  });
  // Labels by dataset position (a selection's labels are by its own position).
  const labels = new Int32Array(total);
  at = 0;
  for (const run of runs) {
    labels.set(run.labels, at);
    at += run.length;
  }
  let order: number[] | null = null;
  if (shuffle) order = seededOrder(total, seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!);
  const count = dropLast ? Math.floor(total / size) : Math.ceil(total / size);
  const imageSize = geo.height * geo.width * geo.channels;
  return {
    *[Symbol.iterator](): Iterator<Batch> {
      for (let b = 0; b < count; b++) {
        const from = b * size;
        const n = Math.min(size, total - from);
        const batchLabels = new Int32Array(n);
        const data = table === null ? new Uint8Array(n * imageSize) : new Float32Array(n * imageSize);
        const items: DatasetItem[] = new Array(n);
        for (let j = 0; j < n; j++) {
          const i = order ? order[from + j]! : from + j;
          const run = runs[runOf[i]!]!;
          const row = rowOf[i]!;
          batchLabels[j] = labels[i]!;
          blockImage(run.block!, row, data, j * imageSize, plan, table);
          items[j] = run.base.item(row);
        }
        yield { data, shape: shapeOf(plan, n, geo), labels: batchLabels, items };
      }
    },
  };
}
