/**
 * The CIFAR exporter: what Datumaro's `export(dir, 'cifar')` writes, readable by torchvision's
 * loader and Datumaro's restricted unpickler, and optionally the original Python 2 layout.
 *
 * - CIFAR-100 (`meta`, `fine_labels` + `coarse_labels`) when any label has a parent or the
 *   dataset kept a `coarse_label_names` list from its import (`infos`); that list, in its order,
 *   then any other parents sorted (Datumaro: the sorted unique parents, so a subset that uses 11
 *   of the 20 superclasses renumbers them). Else CIFAR-10 (`batches.meta`, `labels`).
 * - Kept from the import (`infos`): the meta's `num_cases_per_batch` and `num_vis` (written as
 *   read, in the original files' key order) and each subset's `batch_label`; without them
 *   Datumaro's defaults (and, for the Python 2 layout, the largest subset's size and 3072).
 * - `data`: a uint8 (N, 3072) array when every image is 32x32 RGB (pixels HWC -> CHW through the
 *   pixel kernels); otherwise a 1-D object array of per-image CHW arrays (None for an item
 *   without an image) plus `image_sizes` [(H, W), ...]; an empty (0,) object array when media is
 *   not saved. Grayscale images are written as R = G = B.
 * - `filenames`: id + image extension; `labels`: the first label's index, None when unlabelled;
 *   `batch_label` as Datumaro writes it.
 */
import { contiguousRun } from '../../bytes.js';
import { DatasetExportError, ErrorCode, UsageError } from '../../errors.js';
import type { DatasetItem } from '../../model/item.js';
import type { ColumnRun } from '../../model/columns.js';
import type { Image } from '../../image/image.js';
import { kernels } from '../../kernels/pixels.js';
import { DType, NdArray } from '../../pickle/ndarray.js';
import { PyTuple, writePickleChunks, type PyWritable, type WritePickleOptions } from '../../pickle/writer.js';
import { splitExt } from '../../sources/file-tree.js';
import type { ExportOptions } from '../format.js';
import type { ChannelOrder, DatasetInfos, DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import { IMAGE_SIZE, META_100_FILE, META_10_FILE } from './constants.js';
import { datasetMetaBytes, DATASET_META_FILE } from '../common.js';

/**
 * CIFAR-specific export options.
 *
 * @example
 * ```ts
 * import { Dataset, type CifarExportOptions } from 'cifarkit';
 * import { readPickle } from 'cifarkit/pickle';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: CifarExportOptions = { protocol: 2, channelOrder: 'rgb' };
 * const files = await ds.exportToFiles('cifar', options);
 * const batch = readPickle(files.get('data_batch_1')!) as Map<string, unknown>;
 * console.log([...batch.keys()]); // [ 'filenames', 'labels', 'data', 'batch_label' ]
 * ```
 */
export interface CifarExportOptions extends ExportOptions {
  /** Pickle protocol, 2 to 5 (default 4, as Datumaro under Python 3.8+). */
  protocol?: 2 | 3 | 4 | 5;
  /** Write the original Python 2 layout (cPickle protocol 2, byte-string keys), as cifar-10-python.tar.gz has it. */
  python2?: boolean;
  /**
   * The plane order to write: 'rgb' (default, the CIFAR convention) or 'bgr', what Datumaro
   * writes for images it loaded from PNG/JPEG (and reads back as its BGR arrays).
   */
  channelOrder?: ChannelOrder;
}

const DEFAULT_EXT = '.png';
const TRAIN_PREFIX = 'data_batch_';

/** The CIFAR fields an import kept in `infos` (see import.ts), each only when it has a usable type. */
interface KeptMeta {
  coarse: string[] | null;
  numCasesPerBatch: number | null;
  numVis: number | null;
  batchLabels: Map<string, string>;
}

function keptMeta(infos: DatasetInfos | undefined): KeptMeta {
  const count = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
  const coarse = infos?.coarse_label_names;
  const usable = Array.isArray(coarse) && coarse.every((c) => typeof c === 'string' && c !== '') && new Set(coarse).size === coarse.length;
  const batchLabels = new Map<string, string>();
  const labels = infos?.batch_labels;
  if (labels !== null && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const [subset, label] of Object.entries(labels as Record<string, unknown>)) if (typeof label === 'string') batchLabels.set(subset, label);
  }
  return {
    coarse: usable ? [...(coarse as string[])] : null,
    numCasesPerBatch: count(infos?.num_cases_per_batch),
    numVis: count(infos?.num_vis),
    batchLabels,
  };
}

function batchLabel(subset: string): string | null {
  if (subset.startsWith(TRAIN_PREFIX) && /^\d+$/.test(subset.slice(TRAIN_PREFIX.length))) {
    return `training batch ${Number(subset.slice(TRAIN_PREFIX.length))} of 5`;
  }
  return subset === 'test' ? 'testing batch 1 of 1' : null;
}

/** The subset's file name must read back as a subset: no extension, no folder, not a meta name. */
function checkSubsetName(subset: string): void {
  if (subset === '' || subset.includes('/') || subset.startsWith('.') || splitExt(subset)[1] !== '' || subset === META_10_FILE || subset === META_100_FILE || subset.includes('\\') || subset.includes('\0')) {
    throw new DatasetExportError(
      ErrorCode.EXPORT_UNSUPPORTED,
      `subset '${subset}' cannot be a CIFAR batch file name (it needs no '.', '/' or leading dot, and not '${META_10_FILE}'/'${META_100_FILE}'); rename it first`,
    );
  }
}

/** CHW bytes of an image, 3 channels (gray replicated), planes R, G, B or (`swapRB`) B, G, R. */
function chwOf(image: Image, swapRB: boolean): Uint8Array {
  const pixels = image.height * image.width;
  const out = new Uint8Array(3 * pixels);
  if (image.channels === 3) {
    kernels().hwcToChw(image.data, out, pixels, 1, swapRB);
  } else {
    out.set(image.data, 0);
    out.set(image.data, pixels);
    out.set(image.data, 2 * pixels);
  }
  return out;
}

/**
 * CHW blocks handed back by the file consumer (`ExportedFile.release`), reused for later subsets:
 * a fresh 30 MB block per subset costs more in page faults than its transposition.
 */
class BlockPool {
  private readonly free: Uint8Array[] = [];
  take(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.length === size);
    return i >= 0 ? this.free.splice(i, 1)[0]! : new Uint8Array(size);
  }
  give(block: Uint8Array): void {
    this.free.push(block);
  }
}

function pixelData(items: DatasetItem[], pool: BlockPool, swapRB: boolean): { data: NdArray; sizes: PyTuple[] | null; block?: Uint8Array } {
  const withMedia = items.filter((i) => i.media);
  if (withMedia.length === 0) return { data: new NdArray().init([0], new DType('O8'), false, []), sizes: null };
  const all32 = withMedia.length === items.length && items.every((i) => i.media!.height === IMAGE_SIZE && i.media!.width === IMAGE_SIZE);
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  if (all32) {
    const block = pool.take(items.length * 3 * pixels);
    const rgb = items.every((i) => i.media!.channels === 3);
    if (rgb && items.length > 0) {
      // One kernel call when the images are consecutive views of one buffer (an imported subset).
      const run = contiguousRun(items.length, (n) => items[n]!.media!.data, 3 * pixels);
      if (run) {
        kernels().hwcToChw(run, block, pixels, items.length, swapRB);
        return { data: new NdArray().init([items.length, 3 * pixels], new DType('u1'), false, block), sizes: null, block };
      }
    }
    items.forEach((it, n) => block.set(chwOf(it.media!, swapRB), n * 3 * pixels));
    return { data: new NdArray().init([items.length, 3 * pixels], new DType('u1'), false, block), sizes: null, block };
  }
  const elements: (NdArray | null)[] = [];
  const sizes: PyTuple[] = [];
  const square = new PyTuple([IMAGE_SIZE, IMAGE_SIZE]); // shared, as Datumaro's default tuple is
  for (const it of items) {
    const m = it.media;
    if (!m) {
      elements.push(null);
      sizes.push(square);
      continue;
    }
    const chw = chwOf(m, swapRB);
    elements.push(new NdArray().init([chw.length], new DType('u1'), false, chw));
    sizes.push(m.height === IMAGE_SIZE && m.width === IMAGE_SIZE ? square : new PyTuple([m.height, m.width]));
  }
  const anyOther = sizes.some((s) => s !== square);
  return { data: new NdArray().init([elements.length], new DType('O8'), false, elements), sizes: anyOther ? sizes : null };
}

/** What a subset's batch file holds besides its meta: names, labels, pixels. */
interface BatchColumns {
  filenames: string[];
  fine: (number | null)[];
  coarse: (number | null)[];
  data: NdArray;
  sizes: PyTuple[] | null;
  /** A block of the pool, to give back once written. */
  block?: Uint8Array;
}

/**
 * A subset that is one columnar run (model/columns.ts), read from its columns: labels from the
 * label column, the pixels written planar in one step (the imported block itself, not even
 * copied, when it still holds the planes in the order asked for).
 */
function runColumns(run: ColumnRun, ext: string | undefined, coarseOf: (label: number) => number | null, saveMedia: boolean, pool: BlockPool, swapRB: boolean): BatchColumns {
  const { base, rows, labels, block } = run;
  const n = run.length;
  const filenames: string[] = new Array(n);
  const fine: (number | null)[] = new Array(n);
  const coarse: (number | null)[] = new Array(n);
  // An imported subset's ids are unique and, with one extension, so are its file names.
  const check = rows !== null || ext === undefined ? new Set<string>() : null;
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i]! : i;
    const filename = base.id(r) + (ext ?? (block ? base.ext(r) || DEFAULT_EXT : DEFAULT_EXT));
    if (check) {
      if (check.has(filename)) throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `two items of subset '${run.subset}' would both be named '${filename}'`, { item: base.id(r) });
      check.add(filename);
    }
    filenames[i] = filename;
    const label = labels[i]!;
    fine[i] = label >= 0 ? label : null;
    coarse[i] = label >= 0 ? coarseOf(label) : null;
  }
  if (!saveMedia || !block || n === 0) return { filenames, fine, coarse, data: new NdArray().init([0], new DType('O8'), false, []), sizes: null };
  const rowBytes = block.imageBytes;
  const shape = [n, rowBytes];
  if (block.height === IMAGE_SIZE && block.width === IMAGE_SIZE && block.channels === 3) {
    const same = rows === null ? block.planarView(swapRB) : null;
    if (same) return { filenames, fine, coarse, data: new NdArray().init(shape, new DType('u1'), false, same), sizes: null };
    const out = pool.take(n * rowBytes);
    block.planarInto(rows, swapRB, out);
    return { filenames, fine, coarse, data: new NdArray().init(shape, new DType('u1'), false, out), sizes: null, block: out };
  }
  return { filenames, fine, coarse, ...pixelData(base.length === n && rows === null ? Array.from({ length: n }, (_, i) => base.item(i)) : Array.from(rows ?? [], (r) => base.item(r)), pool, swapRB) };
}

/** A subset's batch columns from its items. */
function itemColumns(items: DatasetItem[], subset: string, ext: string | undefined, coarseOf: (label: number) => number | null, saveMedia: boolean, pool: BlockPool, swapRB: boolean): BatchColumns {
  const filenames: string[] = [];
  const fine: (number | null)[] = [];
  const coarse: (number | null)[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const filename = item.id + (ext ?? (item.media?.ext || DEFAULT_EXT));
    if (seen.has(filename)) {
      throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `two items of subset '${subset}' would both be named '${filename}'`, { item: item.id });
    }
    seen.add(filename);
    filenames.push(filename);
    const label = item.annotations.find((a) => a.type === 'label');
    fine.push(label ? label.label : null);
    coarse.push(label ? coarseOf(label.label) : null);
  }
  const pixels = saveMedia ? pixelData(items, pool, swapRB) : { data: new NdArray().init([0], new DType('O8'), false, []), sizes: null };
  return { filenames, fine, coarse, ...pixels };
}

export async function* exportCifar(dataset: DatasetView, options: CifarExportOptions): AsyncIterable<ExportedFile> {
  const python2 = options.python2 === true;
  const protocol = options.protocol ?? (python2 ? 2 : 4);
  if (![2, 3, 4, 5].includes(protocol)) throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `pickle protocol ${String(protocol)} is not supported (2-5)`);
  if (python2 && protocol !== 2) throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, 'the Python 2 layout is protocol 2');
  const pickleOptions: WritePickleOptions = { protocol: protocol as 2 | 3 | 4 | 5, python2 };
  const saveMedia = options.saveMedia !== false;
  const ext = options.imageExt;
  if (ext !== undefined && (typeof ext !== 'string' || !/^\.[^./\\\0]+$/.test(ext))) {
    throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `imageExt '${String(ext)}' is not a file extension such as '.png'`);
  }
  const order = options.channelOrder;
  if (order !== undefined && order !== 'rgb' && order !== 'bgr') {
    throw new UsageError(ErrorCode.INVALID_ARGUMENT, `channelOrder must be 'rgb' or 'bgr', got ${JSON.stringify(order) ?? String(order)}`);
  }
  const swapRB = order === 'bgr';

  const labels = dataset.labels.items;
  const kept = keptMeta(dataset.infos);
  const parents = [...new Set(labels.map((l) => l.parent).filter((p) => p !== ''))].sort();
  const coarseNames = kept.coarse ? [...kept.coarse, ...parents.filter((p) => !kept.coarse!.includes(p))] : parents;
  const coarseIndex = new Map(coarseNames.map((name, i) => [name, i]));
  const cifar100 = coarseNames.length > 0;
  const names = labels.map((l) => l.name);

  const subsets = dataset.subsets();
  subsets.forEach(checkSubsetName);
  const pool = new BlockPool();
  const runs = dataset.columns?.() ?? null;
  const sizeOf = (name: string) => (runs ? runs.reduce((n, r) => n + (r.subset === name ? r.length : 0), 0) : dataset.getSubset(name).length);
  const largest = subsets.reduce((most, s) => Math.max(most, sizeOf(s)), 0);

  // The original batches.meta's key order: num_cases_per_batch, the names, num_vis.
  const meta = new Map<PyWritable, PyWritable>();
  const numCases = kept.numCasesPerBatch ?? (python2 && !cifar100 ? largest : null);
  const numVis = kept.numVis ?? (python2 && !cifar100 ? 3 * IMAGE_SIZE * IMAGE_SIZE : null);
  if (numCases !== null) meta.set('num_cases_per_batch', numCases);
  if (cifar100) meta.set('fine_label_names', names).set('coarse_label_names', coarseNames);
  else meta.set('label_names', names);
  if (numVis !== null) meta.set('num_vis', numVis);
  yield { path: cifar100 ? META_100_FILE : META_10_FILE, data: writePickleChunks(meta, pickleOptions) };

  if (options.saveDatasetMeta) {
    yield { path: DATASET_META_FILE, data: datasetMetaBytes(names) };
  }

  const coarseOf = (label: number): number | null => {
    const parent = labels[label]!.parent;
    return parent ? coarseIndex.get(parent)! : null;
  };
  for (const subset of subsets) {
    // A subset that is one columnar run is read from its columns; any other from its items.
    const own = runs ? runs.filter((r) => r.subset === subset) : [];
    const { filenames, fine, coarse, data, sizes, block } = own.length === 1 ? runColumns(own[0]!, ext, coarseOf, saveMedia, pool, swapRB) : itemColumns(dataset.getSubset(subset), subset, ext, coarseOf, saveMedia, pool, swapRB);
    const batch = kept.batchLabels.get(subset) ?? batchLabel(subset);
    const entries: [string, PyWritable][] = [];
    if (python2) {
      // The original files' key order.
      if (cifar100) entries.push(['filenames', filenames], /* spread-ok: one field */ ...(batch ? [['batch_label', batch] as [string, PyWritable]] : []), ['fine_labels', fine], ['coarse_labels', coarse], ['data', data]);
      else entries.push(/* spread-ok: one field */ ...(batch ? [['batch_label', batch] as [string, PyWritable]] : []), ['labels', fine], ['data', data], ['filenames', filenames]);
      if (sizes) entries.push(['image_sizes', sizes]);
    } else {
      // Datumaro's key order.
      entries.push(['filenames', filenames]);
      if (cifar100) entries.push(['fine_labels', fine], ['coarse_labels', coarse]);
      else entries.push(['labels', fine]);
      entries.push(['data', data]);
      if (sizes) entries.push(['image_sizes', sizes]);
      if (batch) entries.push(['batch_label', batch]);
    }
    // The pickle's chunks reference the block (not copied): it is reusable once they are written.
    yield { path: subset, data: writePickleChunks(new Map<PyWritable, PyWritable>(entries), pickleOptions), release: block ? () => pool.give(block) : undefined };
  }
}
