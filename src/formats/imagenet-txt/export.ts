/**
 * Writing ImageNet-txt as Datumaro's ImagenetTxtExporter does: per subset `<subset>.txt` with a
 * line `<id><ext> <label indices>` per item (the id in double quotes when it has whitespace; an
 * unlabelled item's line ends with a space), images in `images/<id><ext>`, and the label names
 * in `synsets.txt` or, with `saveDatasetMeta`, in `dataset_meta.json` instead.
 * `saveMedia: false` writes the lists and label names without images.
 */
import { DatasetExportError, ErrorCode } from '../../errors.js';
import { datasetMetaBytes, DATASET_META_FILE, encodeFor, imageExportSettings, imageExtFor, utf8Bytes } from '../common.js';
import { safeOutputPath } from '../../sources/file-tree.js';
import type { ExportContext, ImageExportOptions } from '../format.js';
import type { DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import { DEFAULT_IMAGE_EXT, IMAGE_DIR, LABELS_FILE, LIST_EXT } from './layout.js';

/** The list entry of an item: `<id><ext>`, quoted when the id has whitespace (Datumaro quotes only then). */
function listName(id: string, ext: string): string {
  if (/[\r\n"]/.test(id)) {
    throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, 'an ImageNet-txt list cannot hold an id with a line break or a double quote', { item: id });
  }
  return /\s/.test(id) ? `"${id}"${ext}` : `${id}${ext}`;
}

export async function* exportImagenetTxt(dataset: DatasetView, options: ImageExportOptions, context: ExportContext): AsyncIterable<ExportedFile> {
  const settings = imageExportSettings(options, DEFAULT_IMAGE_EXT, context);
  const saveMedia = options.saveMedia !== false;
  const names = dataset.labels.items.map((l) => l.name);
  for (const name of names) {
    // synsets.txt is read line by line and stripped; with saveDatasetMeta it is not written.
    if (!options.saveDatasetMeta && (/[\r\n]/.test(name) || name.trim() !== name)) {
      throw new DatasetExportError(
        ErrorCode.EXPORT_UNSUPPORTED,
        `label name ${JSON.stringify(name)} cannot be a line of ${LABELS_FILE} (a line break or spaces at an end); pass saveDatasetMeta to write dataset_meta.json instead`,
      );
    }
  }
  for (const subset of dataset.subsets()) {
    if (subset === '' || subset.includes('/') || subset.startsWith('.')) {
      throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `subset '${subset}' cannot name a list file '<subset>${LIST_EXT}' (empty, a '/', or a leading '.')`);
    }
    const listFile = safeOutputPath(`${subset}${LIST_EXT}`, `the list file of subset '${subset}'`);
    if (listFile === LABELS_FILE) throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `subset 'synsets' would overwrite ${LABELS_FILE}`);
    let text = '';
    for (const item of dataset.getSubset(subset)) {
      const ext = imageExtFor(item.media, settings);
      const labels = [...new Set(item.annotations.filter((a) => a.type === 'label').map((a) => a.label))].sort((a, b) => a - b);
      for (const l of labels) {
        if (l >= names.length) {
          throw new DatasetExportError(ErrorCode.LABEL_OUT_OF_RANGE, `label ${l} is not an index into the ${names.length} label categories`, { item: item.id });
        }
      }
      text += `${listName(item.id, ext)} ${labels.join(' ')}\n`;
      // Checked even when no image is written: the list names the path, and a reader follows it.
      const path = `${IMAGE_DIR}/${safeOutputPath(`${item.id}${ext}`, `the image file name of item '${item.id}'`)}`;
      if (saveMedia && item.media) yield { path, data: encodeFor(item.media, ext, settings) };
    }
    yield { path: listFile, data: utf8Bytes(text) };
  }
  if (options.saveDatasetMeta) yield { path: DATASET_META_FILE, data: datasetMetaBytes(dataset.labels) };
  else yield { path: LABELS_FILE, data: utf8Bytes(names.map((n) => `${n}\n`).join('')) };
}
