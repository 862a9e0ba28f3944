/**
 * Writing MNIST as Datumaro's MnistExporter does, with standard idx headers:
 * - per subset `<prefix>-labels-idx1-ubyte.gz` (label index, 255 when unlabelled; only the
 *   first label of an item) and, when images are saved, `<prefix>-images-idx3-ubyte.gz`;
 *   the prefix is the subset name, `t10k` for 'test'. Format option `compress: false` writes
 *   the same files without gzip and without '.gz'.
 * - `<subset>-meta.gz` (Datumaro's side file, always gzipped) when some id is not the item's
 *   index or the images are not 28x28, so that Datumaro reads them back;
 * - `labels.txt` (label names, one per line) always, and `dataset_meta.json` with `saveDatasetMeta`.
 *
 * Pixels are grayscale: an RGB image is converted with {@link luma} (ITU-R BT.601). An idx3
 * file holds one height and width, so all images of a subset must have the same size (the
 * header gives it; Datumaro writes 28x28 there whatever the size and puts sizes in the meta file).
 */
import { gzipSync } from 'fflate';
import type { DatasetItem } from '../../model/item.js';
import type { ColumnRun } from '../../model/columns.js';
import { exportUnsupported } from '../../errors.js';
import { datasetMetaBytes, DATASET_META_FILE, utf8Bytes } from '../common.js';
import { safeOutputPath } from '../../sources/file-tree.js';
import type { ExportOptions } from '../format.js';
import type { DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import {
  GZ,
  IMAGE_SIZE,
  IMAGES_SUFFIX,
  imagesFileHeader,
  LABEL_NAMES_FILE,
  labelsFileBytes,
  LABELS_SUFFIX,
  luma,
  META_CHARS,
  META_SUFFIX,
  metaBytes,
  NONE_LABEL,
  prefixOfSubset,
} from './layout.js';

/**
 * MNIST's format-specific export option.
 *
 * @example
 * ```ts
 * import { Dataset, type MnistExportOptions } from 'cifarkit';
 *
 * const ds = await Dataset.importFrom('cifar-10-batches-py', 'cifar');
 * const options: MnistExportOptions = { compress: true };
 * const files = await ds.filter((item) => item.media?.width === 32).exportToFiles('mnist', options);
 * console.log([...files.keys()].filter((path) => path.includes('images'))); // [ 'data_batch_1-images-idx3-ubyte.gz', 'test_batch-images-idx3-ubyte.gz' ]
 * ```
 */
export interface MnistExportOptions extends ExportOptions {
  /** Gzip the idx files and name them `.gz` (default true, as Datumaro and the original files). */
  compress?: boolean;
}

/** One image's gray bytes (a copy for RGB, the image's own bytes for gray). */
function grayPixels(item: DatasetItem): Uint8Array {
  const m = item.media!;
  if (m.channels === 1) return m.data;
  const out = new Uint8Array(m.height * m.width);
  const d = m.data;
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = luma(d[j]!, d[j + 1]!, d[j + 2]!);
  return out;
}

/** A subset as an idx file pair reads it: ids, first labels (-1: none), its images' gray bytes. */
interface SubsetRows {
  readonly length: number;
  id(i: number): string;
  label(i: number): number;
  /** The item, to name in an error. */
  item(i: number): DatasetItem;
  /** The idx3 header and gray pixels, or null when no item has an image; throws for a mix or several sizes. */
  images(subset: string): { header: Uint8Array; pixels: Uint8Array; height: number; width: number } | null;
}

/**
 * The subset's rows: from its columns when it is one columnar run of grayscale images or of none
 * (an imported MNIST subset: its pixel block is the idx3 payload as it is), else from its items.
 */
function subsetRows(dataset: DatasetView, subset: string, runs: readonly ColumnRun[] | null): SubsetRows {
  const own = runs ? runs.filter((r) => r.subset === subset) : [];
  const run = own.length === 1 && (!own[0]!.block || own[0]!.block.channels === 1) ? own[0]! : null;
  if (run) {
    const { base, rows, block } = run;
    const row = (i: number) => (rows ? rows[i]! : i);
    return {
      length: run.length,
      id: (i) => base.id(row(i)),
      label: (i) => run.labels[i]!,
      item: (i) => base.item(row(i)),
      images() {
        if (!block || run.length === 0) return null;
        let pixels: Uint8Array;
        if (rows === null) pixels = block.hwc();
        else {
          pixels = new Uint8Array(rows.length * block.imageBytes);
          block.hwcInto(rows, pixels);
        }
        return { header: imagesFileHeader(run.length, block.height, block.width), pixels, height: block.height, width: block.width };
      },
    };
  }
  const items = dataset.getSubset(subset);
  return {
    length: items.length,
    id: (i) => items[i]!.id,
    label: (i) => items[i]!.annotations.find((a) => a.type === 'label')?.label ?? -1,
    item: (i) => items[i]!,
    images() {
      const withMedia = items.filter((i) => i.media);
      if (withMedia.length === 0) return null;
      if (withMedia.length !== items.length) {
        const missing = items.find((i) => !i.media)!;
        throw exportUnsupported(`the item has no image but others of subset '${subset}' have: an idx3 file needs an image for every label`, missing);
      }
      const first = withMedia[0]!.media!;
      for (const item of withMedia) {
        const m = item.media!;
        if (m.height !== first.height || m.width !== first.width) {
          throw exportUnsupported(
            `the image is ${m.height}x${m.width} but item '${withMedia[0]!.id}' of subset '${subset}' is ${first.height}x${first.width}; an idx3 file holds images of one size`,
            item,
          );
        }
      }
      const gray = withMedia.map(grayPixels);
      const pixels = new Uint8Array(gray.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of gray) {
        pixels.set(c, at);
        at += c.length;
      }
      return { header: imagesFileHeader(items.length, first.height, first.width), pixels, height: first.height, width: first.width };
    },
  };
}

function checkMetaString(s: string, item: DatasetItem): void {
  if ([...s].length > META_CHARS || s.includes('\0')) {
    throw exportUnsupported(`an id of more than ${META_CHARS} characters (or with a NUL) cannot be stored in <subset>-meta.gz, which Datumaro reads as '<U${META_CHARS}' strings`, item);
  }
}

export async function* exportMnist(dataset: DatasetView, options: MnistExportOptions): AsyncIterable<ExportedFile> {
  const compress = options.compress !== false;
  const saveMedia = options.saveMedia !== false;
  const pack = (bytes: Uint8Array) => (compress ? gzipSync(bytes, { mtime: 0 }) : bytes);
  const gzName = compress ? GZ : '';
  const names = dataset.labels.items.map((l) => l.name);
  for (const name of names) {
    // labels.txt is read line by line, stripped, empty lines skipped; dataset_meta.json wins over it.
    const lossy = /[\r\n]/.test(name) || (!options.saveDatasetMeta && (name.trim() !== name || name === ''));
    if (lossy) {
      throw exportUnsupported(
        `label name ${JSON.stringify(name)} cannot be a line of ${LABEL_NAMES_FILE} (a line break; or, without saveDatasetMeta, empty or with spaces at an end)`,
      );
    }
  }

  const runs = dataset.columns?.() ?? null;
  for (const subset of dataset.subsets()) {
    if (subset === '' || subset.includes('/')) throw exportUnsupported(`subset '${subset}' cannot name an MNIST file '<subset>${LABELS_SUFFIX}' (empty or with a '/')`);
    const prefix = prefixOfSubset(subset);
    const rows = subsetRows(dataset, subset, runs);

    const labels = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const label = rows.label(i);
      if (label < 0) labels[i] = NONE_LABEL;
      else if (label >= NONE_LABEL) throw exportUnsupported(`label ${label} does not fit: MNIST labels are bytes and ${NONE_LABEL} means 'no label'`, rows.item(i));
      else labels[i] = label;
    }
    yield { path: safeOutputPath(`${prefix}${LABELS_SUFFIX}${gzName}`, `the labels file of subset '${subset}'`), data: pack(labelsFileBytes(labels)) };

    const images = saveMedia ? rows.images(subset) : null;
    const size: [number, number] | null = images && [images.height, images.width];
    if (images) {
      const raw = new Uint8Array(images.header.length + images.pixels.length);
      raw.set(images.header);
      raw.set(images.pixels, images.header.length);
      yield { path: safeOutputPath(`${prefix}${IMAGES_SUFFIX}${gzName}`, `the images file of subset '${subset}'`), data: pack(raw) };
    }

    // Datumaro's side file: ids that are not the index, sizes that are not 28x28.
    let renamed = false;
    for (let i = 0; i < rows.length && !renamed; i++) renamed = rows.id(i) !== String(i);
    const resized = size !== null && (size[0] !== IMAGE_SIZE || size[1] !== IMAGE_SIZE);
    if (renamed || resized) {
      const metaRows = Array.from({ length: rows.length }, (_, i) => {
        const id = rows.id(i);
        if (renamed) checkMetaString(id, rows.item(i));
        const ids = renamed ? [id] : [];
        return resized ? [...ids, String(size![0]), String(size![1])] : ids;
      });
      yield { path: safeOutputPath(`${subset}${META_SUFFIX}${GZ}`, `the meta file of subset '${subset}'`), data: gzipSync(metaBytes(metaRows), { mtime: 0 }) };
    }
  }
  yield { path: LABEL_NAMES_FILE, data: utf8Bytes(names.map((n) => `${n}\n`).join('')) };
  if (options.saveDatasetMeta) yield { path: DATASET_META_FILE, data: datasetMetaBytes(dataset.labels) };
}
