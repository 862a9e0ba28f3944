/**
 * CIFAR-10/100, "binary version": https://www.cs.toronto.edu/~kriz/cifar.html (the archives
 * `cifar-10-binary.tar.gz`, `cifar-100-binary.tar.gz`). Constants and record layout
 * (constants.ts), layout discovery (layout.ts), importer (import.ts), exporter (export.ts).
 */
import type { DatasetFormat } from '../format.js';
import { exportCifarBinary } from './export.js';
import { importCifarBinary } from './import.js';
import { findBinaryLayout } from './layout.js';

export const cifarBinaryFormat: DatasetFormat = {
  name: 'cifar_binary',
  /** A folder (or one up to 3 levels below) with `batches.meta.txt` or `fine_label_names.txt` and `.bin` files, or a `.bin` file (by name; contents are checked on import). */
  detect: async (source) => (await findBinaryLayout(source)) !== null,
  import: importCifarBinary,
  export: exportCifarBinary,
};
