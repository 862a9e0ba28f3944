/**
 * Writing ImageNet folders as Datumaro's ImagenetExporter does: each image once per label, in
 * `<label>/<name><ext>`, unlabelled ones in `no_label/`; with subset folders,
 * `<subset>/<label>/<name><ext>`. `<name>` is the id without its first ':'-part (see
 * {@link exportName}).
 *
 * The images are the dataset here, so `saveMedia: false` does not apply (Datumaro writes the
 * images regardless), items without an image are skipped (Datumaro logs a warning), and
 * `saveDatasetMeta` writes nothing (Datumaro's ImageNet exporter has no meta file).
 */
import { DatasetExportError, ErrorCode } from '../../errors.js';
import { encodeFor, imageExportSettings, imageExtFor } from '../common.js';
import { safeOutputPath } from '../../sources/file-tree.js';
import type { ExportContext, ImageExportOptions } from '../format.js';
import type { DatasetView } from '../../model/view.js';
import type { ExportedFile } from '../../sources/file-tree.js';
import { DEFAULT_IMAGE_EXT, exportName, NO_LABEL_DIR } from './layout.js';

async function* exportTree(dataset: DatasetView, options: ImageExportOptions, context: ExportContext, withSubsetDirs: boolean): AsyncIterable<ExportedFile> {
  const settings = imageExportSettings(options, DEFAULT_IMAGE_EXT, context);
  const names = dataset.labels.items.map((l) => l.name);
  for (const subset of dataset.subsets()) {
    for (const item of dataset.getSubset(subset)) {
      if (!item.media) continue;
      const labelIndices = [...new Set(item.annotations.filter((a) => a.type === 'label').map((a) => a.label))].sort((a, b) => a - b);
      const folders = labelIndices.length > 0 ? labelIndices.map((i) => names[i]!) : [NO_LABEL_DIR];
      const ext = imageExtFor(item.media, settings);
      const base = exportName(item.id);
      if (base === '' || base.endsWith('/')) {
        throw new DatasetExportError(ErrorCode.EXPORT_UNSUPPORTED, `the id gives an empty file name ('${base}${ext}'), which no reader takes for an image`, { item: item.id });
      }
      // The name alone must be a safe relative path too: '/x' or '../x' is refused, not nested.
      const name = safeOutputPath(base + ext, `the file name of item '${item.id}'`).slice(0, -ext.length);
      let data: Uint8Array | Promise<Uint8Array> | null = null;
      for (const folder of folders) {
        const prefix = withSubsetDirs ? `${subset}/${folder}` : folder;
        const path = safeOutputPath(`${prefix}/${name}${ext}`, `the file of item '${item.id}'`);
        data ??= encodeFor(item.media, ext, settings);
        yield { path, data };
      }
    }
  }
}

export function exportImagenet(dataset: DatasetView, options: ImageExportOptions, context: ExportContext): AsyncIterable<ExportedFile> {
  return exportTree(dataset, options, context, false);
}

export function exportImagenetWithSubsetDirs(dataset: DatasetView, options: ImageExportOptions, context: ExportContext): AsyncIterable<ExportedFile> {
  return exportTree(dataset, options, context, true);
}
