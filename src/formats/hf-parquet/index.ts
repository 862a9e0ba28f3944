/**
 * Hugging Face parquet (`hf_parquet`): the Hub's layout of image-classification datasets such as
 * `uoft-cs/cifar10` and `uoft-cs/cifar100` (see constants.ts). Layout and safe reading
 * (layout.ts), importer (import.ts), exporter (export.ts).
 */
import { CifarkitError, ErrorCode } from '../../errors.js';
import type { DatasetFormat } from '../format.js';
import { exportHfParquet } from './export.js';
import { importHfParquet } from './import.js';
import { basename } from '../../sources/file-tree.js';
import { findParquetFiles, isParquetName, looksLikeParquet, readFooter, tableLayout } from './layout.js';

export const hfParquetFormat: DatasetFormat = {
  name: 'hf_parquet',
  /**
   * A `*.parquet` file, given or up to 3 folder levels down, whose schema has an image column
   * (datasets' Image: struct of `bytes` and `path`). The name makes a file a candidate (so that
   * detection reads no other file: a lone CIFAR batch is not read twice); its footer decides. The
   * first file that has one is enough; the rest are checked on import. With the format named,
   * a file of any name is read.
   */
  async detect(source) {
    const { tree } = source;
    for (const path of (await findParquetFiles(source)).filter((p) => isParquetName(basename(p)))) {
      try {
        // peek: an archive tree hands each file over once, and the import reads it again.
        const bytes = tree.peek ? await tree.peek(path, Number.MAX_SAFE_INTEGER) : await tree.read(path);
        if (!looksLikeParquet(bytes)) continue;
        if (tableLayout(readFooter(bytes, path), path)) return true;
      } catch (err) {
        // A parquet file whose `huggingface` features are broken is still one of this format's
        // files: the import names what is wrong.
        if (err instanceof CifarkitError && err.code === ErrorCode.PARQUET_SCHEMA_INVALID) return true;
      }
    }
    return false;
  },
  import: importHfParquet,
  export: exportHfParquet,
};

export type { HfParquetExportOptions } from './export.js';
