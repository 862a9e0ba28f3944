/**
 * The binary-version exporter: `<subset>.bin` per subset plus the label-name files.
 *
 * - CIFAR-100 (`coarse_label_names.txt`, `fine_label_names.txt`, records `<coarse><fine><pixels>`)
 *   when any label has a parent, the coarse names being the sorted unique parents (as the Python
 *   version's exporter); else CIFAR-10 (`batches.meta.txt`, records `<label><pixels>`).
 * - Pixels HWC -> CHW through the pixel kernels (one call per subset when its images are
 *   consecutive views of one buffer, as an imported subset's are); grayscale is written R = G = B.
 *
 * What a record cannot hold is refused (EXPORT_UNSUPPORTED) before any file is produced for the
 * subset: an item without an image or without a label, an image that is not 32x32, more than
 * 256 label (or coarse) names, a CIFAR-100 label without a superclass. The images are the records
 * here, so `saveMedia: false` does not apply; `imageExt` neither. Item ids are not stored: a
 * re-import names items by their record index.
 */
import { contiguousRun } from '../../bytes.js';
import type { DatasetItem } from '../../model/item.js';
import { exportUnsupported } from '../../errors.js';
import { kernels } from '../../kernels/pixels.js';
import { utf8Bytes } from '../common.js';
import { safeOutputPath } from '../../sources/file-tree.js';
import type { ExportOptions } from '../format.js';
import type { DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import { BATCH_EXT, COARSE_NAMES_FILE, FINE_NAMES_FILE, IMAGE_SIZE, MAX_LABELS, META_10_FILE, PIXEL_BYTES, RECORD_10, RECORD_100 } from './constants.js';

/** A names file: one name a line. Each name must read back as itself (the reader trims lines). */
function namesFile(names: readonly string[], file: string, what: string): Uint8Array {
  if (names.length > MAX_LABELS) {
    throw exportUnsupported(`${names.length} ${what} do not fit: a record's label is one byte (at most ${MAX_LABELS} names)`);
  }
  for (const name of names) {
    if (name === '' || /[\r\n]/.test(name) || name.trim() !== name) {
      throw exportUnsupported(`${what.replace(/s$/, '')} ${JSON.stringify(name)} cannot be a line of ${file} (empty, a line break, or spaces at an end)`);
    }
  }
  return utf8Bytes(names.map((n) => `${n}\n`).join(''));
}

/** CHW of the subset's images, packed at `out[at..]` (record spacing is made afterwards). */
function writeChw(items: DatasetItem[], out: Uint8Array, at: number): void {
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  const k = kernels();
  const run = items.every((it) => it.media!.channels === 3) ? contiguousRun(items.length, (n) => items[n]!.media!.data, PIXEL_BYTES) : null;
  if (run) {
    k.hwcToChw(run, out.subarray(at, at + items.length * PIXEL_BYTES), pixels, items.length);
    return;
  }
  items.forEach((it, n) => {
    const m = it.media!;
    const dst = out.subarray(at + n * PIXEL_BYTES, at + (n + 1) * PIXEL_BYTES);
    if (m.channels === 3) k.hwcToChw(m.data, dst, pixels, 1);
    else for (let c = 0; c < 3; c++) dst.set(m.data, c * pixels);
  });
}

export async function* exportCifarBinary(dataset: DatasetView, _options: ExportOptions): AsyncIterable<ExportedFile> {
  const labels = dataset.labels.items;
  const names = labels.map((l) => l.name);
  const coarseNames = [...new Set(labels.map((l) => l.parent).filter((p) => p !== ''))].sort();
  const cifar100 = coarseNames.length > 0;
  const record = cifar100 ? RECORD_100 : RECORD_10;
  const labelBytes = record - PIXEL_BYTES;

  if (cifar100) {
    const fine = namesFile(names, FINE_NAMES_FILE, 'label names');
    const coarse = namesFile(coarseNames, COARSE_NAMES_FILE, 'coarse label names');
    yield { path: COARSE_NAMES_FILE, data: coarse };
    yield { path: FINE_NAMES_FILE, data: fine };
  } else {
    yield { path: META_10_FILE, data: namesFile(names, META_10_FILE, 'label names') };
  }

  for (const subset of dataset.subsets()) {
    if (subset === '' || subset.startsWith('.')) throw exportUnsupported(`subset '${subset}' cannot name a file '<subset>${BATCH_EXT}' (empty or a leading dot)`);
    const path = safeOutputPath(`${subset}${BATCH_EXT}`, `the batch file of subset '${subset}'`);
    const items = dataset.getSubset(subset);
    const fine = new Uint8Array(items.length);
    const coarse = new Uint8Array(items.length);
    items.forEach((item, i) => {
      const m = item.media;
      if (!m) throw exportUnsupported(`the item has no image: every record of the binary version holds one`, item);
      if (m.height !== IMAGE_SIZE || m.width !== IMAGE_SIZE) throw exportUnsupported(`the image is ${m.height}x${m.width}: the binary version holds 32x32 images only`, item);
      if (m.channels !== 3 && m.channels !== 1) throw exportUnsupported(`the image has ${m.channels} channels: RGB or grayscale only`, item);
      const label = item.annotations.find((a) => a.type === 'label');
      if (!label) throw exportUnsupported('the item has no label: every record of the binary version holds one', item);
      fine[i] = label.label;
      if (cifar100) {
        const parent = labels[label.label]!.parent;
        if (parent === '') throw exportUnsupported(`label '${names[label.label]}' has no superclass, which a CIFAR-100 record needs (its coarse label byte)`, item);
        coarse[i] = coarseNames.indexOf(parent);
      }
    });
    // The CHW runs go to the end of the file's buffer, then each moves left to its record, in
    // ascending order: record i's run lands on bytes no later run still needs.
    const out = new Uint8Array(items.length * record);
    const packed = items.length * labelBytes;
    writeChw(items, out, packed);
    for (let i = 0; i < items.length; i++) {
      out.copyWithin(i * record + labelBytes, packed + i * PIXEL_BYTES, packed + (i + 1) * PIXEL_BYTES);
      if (cifar100) out[i * record] = coarse[i]!;
      out[i * record + labelBytes - 1] = fine[i]!;
    }
    yield { path, data: out };
  }
}
